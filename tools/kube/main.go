// Command kube is a multi-call build of the upstream Kubernetes components the project's tests run:
// kube-apiserver, kube-controller-manager, kube-scheduler and kubelet (the kubelet rung, in the QEMU guest). They share almost all
// of their code, so one binary compiles and links that code once instead of four times (2-core
// machines). Which component runs is chosen by the name the binary is started under (scripts/build-tools
// installs it as hard links), or by a first argument naming the component.
//
// This is build tooling only: nothing here ships in the product, and each component's behaviour is the
// upstream one (the same command constructors and imports as its upstream main package).
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	_ "time/tzdata" // CronJob time zones, as the upstream binaries embed

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var components = map[string]func() *cobra.Command{
	"kube-apiserver":          func() *cobra.Command { return apiserver.NewAPIServerCommand() },
	"kube-controller-manager": func() *cobra.Command { return controllermanager.NewControllerManagerCommand() },
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 func() *cobra.Command { return kubelet.NewKubeletCommand(context.Background()) },
}

func names() []string {
	out := make([]string, 0, len(components))
	for name := range components {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func main() {
	name := filepath.Base(os.Args[0])
	newCommand, ok := components[name]
	if !ok && len(os.Args) > 1 {
		// "kube kube-apiserver --flags": drop the component name so the command sees only its flags.
		if newCommand, ok = components[os.Args[1]]; ok {
			os.Args = append([]string{os.Args[1]}, os.Args[2:]...)
		}
	}
	if !ok {
		asked := name
		if len(os.Args) > 1 {
			asked = os.Args[1]
		}
		fmt.Fprintf(os.Stderr, "kube: unknown component %q: start this binary as one of %v, or pass one as the first argument\n", asked, names())
		os.Exit(2)
	}
	os.Exit(cli.Run(newCommand()))
}
