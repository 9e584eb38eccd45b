// Reference oracle for the quantity parity test: reads a JSON array of strings on stdin and prints, for each,
// what Kubernetes' resource.ParseQuantity and docker/go-units v0.4.0 RAMInBytes (the version Open-Local v0.7.1
// pins, its size parser) make of it.
package main

import (
	"encoding/json"
	"os"

	units "github.com/docker/go-units"
	"k8s.io/apimachinery/pkg/api/resource"
)

type verdict struct {
	K8sError   string `json:"k8sError,omitempty"`
	K8sBytes   int64  `json:"k8sBytes"`
	K8sIsWhole bool   `json:"k8sIsWhole"`
	UnitsError string `json:"unitsError,omitempty"`
	UnitsBytes int64  `json:"unitsBytes"`
}

func main() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	verdicts := make([]verdict, 0, len(inputs))
	for _, in := range inputs {
		var v verdict
		if q, err := resource.ParseQuantity(in); err != nil {
			v.K8sError = err.Error()
		} else {
			// Value() rounds up; the quantity is whole iff it equals its rounded value.
			v.K8sBytes = q.Value()
			v.K8sIsWhole = q.Cmp(*resource.NewQuantity(v.K8sBytes, resource.BinarySI)) == 0
		}
		if n, err := units.RAMInBytes(in); err != nil {
			v.UnitsError = err.Error()
		} else {
			v.UnitsBytes = n
		}
		verdicts = append(verdicts, v)
	}
	if err := json.NewEncoder(os.Stdout).Encode(verdicts); err != nil {
		os.Exit(3)
	}
}
