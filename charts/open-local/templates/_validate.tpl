{{/*
Checks the values before anything renders (templates/validate.yaml includes this): each bad value fails
`helm template`/`helm install` with a message naming the key and the value, instead of a broken DaemonSet.
*/}}

{{/* (list "key" value): an integer port 1..65535 (YAML numbers arrive as float64, --set numbers as int64,
--set-string numbers as strings of digits). */}}
{{- define "open-local.validatePort" -}}
{{- $key := index . 0 -}}
{{- $v := index . 1 -}}
{{- if and (kindIs "string" $v) (regexMatch `^[0-9]{1,9}$` (toString $v)) -}}
{{- $v = atoi $v -}}
{{- end -}}
{{- if not (or (kindIs "float64" $v) (kindIs "int64" $v) (kindIs "int" $v)) -}}
{{- fail (printf "%s must be an integer port between 1 and 65535, got %q" $key (toString $v)) -}}
{{- end -}}
{{- if or (ne (float64 $v) (float64 (int64 $v))) (lt (int64 $v) 1) (gt (int64 $v) 65535) -}}
{{- fail (printf "%s must be an integer port between 1 and 65535, got %v" $key $v) -}}
{{- end -}}
{{- end -}}

{{/* (list "key" value min): an integer >= min. */}}
{{- define "open-local.validateInt" -}}
{{- $key := index . 0 -}}
{{- $v := index . 1 -}}
{{- $min := index . 2 -}}
{{- if and (kindIs "string" $v) (regexMatch `^[0-9]{1,9}$` (toString $v)) -}}
{{- $v = atoi $v -}}
{{- end -}}
{{- if not (or (kindIs "float64" $v) (kindIs "int64" $v) (kindIs "int" $v)) -}}
{{- fail (printf "%s must be an integer >= %d, got %q" $key $min (toString $v)) -}}
{{- end -}}
{{- if or (ne (float64 $v) (float64 (int64 $v))) (lt (int64 $v) (int64 $min)) -}}
{{- fail (printf "%s must be an integer >= %d, got %v" $key $min $v) -}}
{{- end -}}
{{- end -}}

{{/* (list "key" value regex what): a string matching regex. */}}
{{- define "open-local.validateMatch" -}}
{{- $key := index . 0 -}}
{{- $v := index . 1 -}}
{{- if not (kindIs "string" $v) -}}
{{- fail (printf "%s must be %s, got %q" $key (index . 3) (toString $v)) -}}
{{- end -}}
{{- if not (regexMatch (index . 2) $v) -}}
{{- fail (printf "%s must be %s, got %q" $key (index . 3) $v) -}}
{{- end -}}
{{- end -}}

{{- define "open-local.validateImage" -}}
{{- $key := index . 0 -}}
{{- $image := index . 1 -}}
{{- if not (kindIs "map" $image) -}}
{{- fail (printf "%s must be a map with image and tag, got %q" $key (toString $image)) -}}
{{- end -}}
{{- if not $image.image -}}
{{- fail (printf "%s.image must not be empty: name the %s image (bash scripts/images builds it; see the chart README)" $key (index . 2)) -}}
{{- end -}}
{{- if eq (toString $image.tag) "" -}}
{{- fail (printf "%s.tag must not be empty: the %s image's tag" $key (index . 2)) -}}
{{- end -}}
{{- include "open-local.validateMatch" (list (printf "%s.image" $key) $image.image `^[a-z0-9][a-z0-9._/-]*$` "an image name (lower-case, no tag)") -}}
{{- include "open-local.validateMatch" (list (printf "%s.tag" $key) (toString $image.tag) `^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$` "an image tag") -}}
{{- end -}}

{{- define "open-local.validate" -}}
{{- $dnsLabel := `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$` -}}
{{- $dnsSubdomain := `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$` -}}
{{- $path := `^/[A-Za-z0-9._/-]*$` -}}
{{- $v := .Values -}}
{{- include "open-local.validateMatch" (list "name" $v.name $dnsLabel "a DNS label (lower-case letters, digits, '-')") -}}
{{- if gt (len $v.name) 40 -}}
{{- fail (printf "name must be at most 40 characters (object names append suffixes), got %q" $v.name) -}}
{{- end -}}
{{- include "open-local.validateMatch" (list "namespace" (include "open-local.namespace" .) $dnsLabel "a namespace name") -}}
{{- if not $v.driver -}}
{{- fail "driver must not be empty (the CSI driver name, e.g. local.csi.aliyun.com)" -}}
{{- end -}}
{{- include "open-local.validateMatch" (list "driver" $v.driver $dnsSubdomain "a DNS subdomain such as local.csi.aliyun.com") -}}
{{- if gt (len $v.driver) 63 -}}
{{- fail (printf "driver must be at most 63 characters, got %q" $v.driver) -}}
{{- end -}}
{{- if ($v.images.local).image -}}
{{- include "open-local.validateImage" (list "images.local" $v.images.local "Open-Local one-image (all components)") -}}
{{- else -}}
{{- include "open-local.validateImage" (list "images.agent" $v.images.agent "agent") -}}
{{- include "open-local.validateImage" (list "images.csi_plugin" $v.images.csi_plugin "CSI plugin") -}}
{{- include "open-local.validateImage" (list "images.controller" $v.images.controller "controller") -}}
{{- include "open-local.validateImage" (list "images.extender" $v.images.extender "scheduler extender") -}}
{{- end -}}
{{- include "open-local.validateImage" (list "images.provisioner" $v.images.provisioner "csi-provisioner") -}}
{{- include "open-local.validateImage" (list "images.resizer" $v.images.resizer "csi-resizer") -}}
{{- $nodeScope := toString ($v.nodeScope).enabled -}}
{{- if not (has $nodeScope (list "auto" "true" "false")) -}}
{{- fail (printf "nodeScope.enabled must be auto, true or false, got %q" $nodeScope) -}}
{{- end -}}
{{- if and (eq $nodeScope "true") (not (semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version)) -}}
{{- fail (printf "nodeScope.enabled=true needs ValidatingAdmissionPolicy v1 (Kubernetes >= 1.30), this cluster is %s; use auto or false" .Capabilities.KubeVersion.Version) -}}
{{- end -}}
{{- if $v.snapshot.enabled -}}
{{- include "open-local.validateImage" (list "images.snapshotter" $v.images.snapshotter "csi-snapshotter") -}}
{{- include "open-local.validateImage" (list "images.snapshot_controller" $v.images.snapshot_controller "snapshot-controller") -}}
{{- end -}}
{{- if not (has (toString ($v.scheduling).mode) (list "extender" "capacity")) -}}
{{- fail (printf "scheduling.mode must be extender or capacity, got %q" (toString ($v.scheduling).mode)) -}}
{{- end -}}
{{- if eq (toString ($v.scheduling).mode) "capacity" -}}
{{- include "open-local.validateMatch" (list "scheduling.capacityPollInterval" (toString $v.scheduling.capacityPollInterval) `^([0-9]+(ms|s|m|h))+$` "a Go duration such as 30s or 1m") -}}
{{- end -}}
{{- if not (has $v.images.pullPolicy (list "Always" "IfNotPresent" "Never")) -}}
{{- fail (printf "images.pullPolicy must be Always, IfNotPresent or Never, got %q" (toString $v.images.pullPolicy)) -}}
{{- end -}}
{{- include "open-local.validateMatch" (list "agent.kubelet_dir" $v.agent.kubelet_dir $path "an absolute path of letters, digits, '.', '_', '-' and '/'") -}}
{{- if $v.agent.device -}}
{{- include "open-local.validateMatch" (list "agent.device" $v.agent.device `^/dev/[A-Za-z0-9._/-]+$` "empty or a device path under /dev") -}}
{{- end -}}
{{- include "open-local.validateMatch" (list "agent.volume_name_prefix" $v.agent.volume_name_prefix `^[a-z0-9][a-z0-9-]{0,31}$` "lower-case letters, digits and '-' (at most 32), as PV and LV names start with it") -}}
{{- include "open-local.validateInt" (list "agent.interval" $v.agent.interval 1) -}}
{{- include "open-local.validateInt" (list "agent.orphans.graceSeconds" $v.agent.orphans.graceSeconds 0) -}}
{{- include "open-local.validateInt" (list "agent.orphans.removalGraceSeconds" $v.agent.orphans.removalGraceSeconds 1) -}}
{{- include "open-local.validateInt" (list "probes.startupSeconds" $v.probes.startupSeconds 5) -}}
{{- include "open-local.validateInt" (list "probes.timeoutSeconds" $v.probes.timeoutSeconds 1) -}}
{{- include "open-local.validatePort" (list "agent.metrics_port" $v.agent.metrics_port) -}}
{{- include "open-local.validatePort" (list "csi.metrics_port" $v.csi.metrics_port) -}}
{{- if ($v.extender.tls).enabled -}}
{{- include "open-local.validateMatch" (list "extender.tls.secretName" $v.extender.tls.secretName $dnsSubdomain "the name of a Secret with tls.crt, tls.key and ca.crt (required with extender.tls.enabled)") -}}
{{- range $key := list "schedulerCertFile" "schedulerKeyFile" "schedulerCaFile" -}}
{{- include "open-local.validateMatch" (list (printf "extender.tls.%s" $key) (index $v.extender.tls $key) $path "an absolute path on the kube-scheduler host") -}}
{{- end -}}
{{- end -}}
{{- include "open-local.validatePort" (list "csi.controller_metrics_port" $v.csi.controller_metrics_port) -}}
{{- if $v.csi.extender_url -}}
{{- include "open-local.validateMatch" (list "csi.extender_url" $v.csi.extender_url `^https?://[^\s/]+/?$` "empty or an http(s) URL with no path (the extender's base URL)") -}}
{{- end -}}
{{- if $v.apiServer.host -}}
{{- include "open-local.validateMatch" (list "apiServer.host" (toString $v.apiServer.host) `^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]+|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$` "empty or a host name or IP address") -}}
{{- include "open-local.validatePort" (list "apiServer.port" $v.apiServer.port) -}}
{{- end -}}
{{- if eq (int64 $v.agent.metrics_port) (int64 $v.csi.metrics_port) -}}
{{- fail (printf "agent.metrics_port and csi.metrics_port must differ (both pods use the node's network), got %v for both" $v.agent.metrics_port) -}}
{{- end -}}
{{- include "open-local.validateMatch" (list "extender.name" $v.extender.name $dnsLabel "a DNS label (it names the Service)") -}}
{{- if not (has (toString $v.extender.strategy) (list "binpack" "spread")) -}}
{{- fail (printf "extender.strategy must be binpack or spread, got %q" (toString $v.extender.strategy)) -}}
{{- end -}}
{{- include "open-local.validatePort" (list "extender.port" $v.extender.port) -}}
{{- include "open-local.validateInt" (list "extender.weight" $v.extender.weight 1) -}}
{{- with (include "open-local.extenderClusterIP" .) -}}
{{- include "open-local.validateMatch" (list "extender.clusterIP" . `^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F:]+)$` "empty or an IP address") -}}
{{- end -}}
{{- if $v.extender.url -}}
{{- include "open-local.validateMatch" (list "extender.url" $v.extender.url `^https?://[^\s/]+(/[^\s]*)?$` "empty or an http(s) URL") -}}
{{- end -}}
{{- include "open-local.validateMatch" (list "extender.scheduler_kubeconfig" $v.extender.scheduler_kubeconfig $path "an absolute path") -}}
{{- if not (has (include "open-local.updateNls" .) (list "true" "false")) -}}
{{- fail (printf "controller.update_nls must be \"true\" or \"false\", got %q" (toString $v.controller.update_nls)) -}}
{{- end -}}
{{- include "open-local.validateInt" (list "controller.replicas" $v.controller.replicas 1) -}}
{{- include "open-local.validatePort" (list "controller.http_port" $v.controller.http_port) -}}
{{- range $key := list "lvm" "lvm_xfs" "device_hdd" "device_ssd" "mountpoint_hdd" -}}
{{- $class := index $v.storageclass $key | default dict -}}
{{- include "open-local.validateMatch" (list (printf "storageclass.%s.name" $key) $class.name $dnsSubdomain "a DNS subdomain") -}}
{{- end -}}
{{- if $v.monitor.enabled -}}
{{- include "open-local.validateMatch" (list "monitor.namespace" $v.monitor.namespace $dnsLabel "a namespace name") -}}
{{- end -}}
{{- end -}}
