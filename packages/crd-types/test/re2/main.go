// Reference oracle for the RE2 parity test: reads [{"pattern": ..., "candidates": [...]}] as JSON on stdin and
// prints, per pattern, whether Go's regexp compiles it and, per candidate, Open-Local's keep test
// `re.FindString(c) == c` (pkg/agent/discovery FilterInfo). Standard library only.
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

type probe struct {
	Pattern    string   `json:"pattern"`
	Candidates []string `json:"candidates"`
}

type verdict struct {
	Error   string `json:"error,omitempty"`
	Matches []bool `json:"matches"`
}

func main() {
	var probes []probe
	if err := json.NewDecoder(os.Stdin).Decode(&probes); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	verdicts := make([]verdict, 0, len(probes))
	for _, p := range probes {
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			verdicts = append(verdicts, verdict{Error: err.Error(), Matches: []bool{}})
			continue
		}
		matches := make([]bool, 0, len(p.Candidates))
		for _, c := range p.Candidates {
			matches = append(matches, re.FindString(c) == c)
		}
		verdicts = append(verdicts, verdict{Matches: matches})
	}
	if err := json.NewEncoder(os.Stdout).Encode(verdicts); err != nil {
		os.Exit(3)
	}
}
