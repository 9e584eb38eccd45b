{{/* Names, labels and image references shared by the templates. Validation lives in _validate.tpl. */}}

{{/* The namespace of namespaced objects: values.namespace, else the release namespace. */}}
{{- define "open-local.namespace" -}}
{{- .Values.namespace | default .Release.Namespace -}}
{{- end -}}

{{/* Labels of every object; pass (dict "root" $ "component" "agent"). Open-Local's label set plus customLabels. */}}
{{- define "open-local.labels" -}}
{{- $root := .root -}}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/name: {{ $root.Values.name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version }}
{{- if .component }}
app.kubernetes.io/component: {{ printf "%s-%s" $root.Values.name .component }}
{{- end }}
{{- with $root.Values.customLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod selector of one component: stable across upgrades (no version label). */}}
{{- define "open-local.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Values.name }}
app.kubernetes.io/component: {{ printf "%s-%s" .root.Values.name .component }}
{{- end -}}

{{/* <registry>/<image>:<tag>; global.RegistryURL wins over the image's own registry (an Open-Local mirror). */}}
{{- define "open-local.image" -}}
{{- $registry := .root.Values.global.RegistryURL | default .image.registry -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .image.image (toString .image.tag) -}}
{{- else -}}
{{- printf "%s:%s" .image.image (toString .image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The extender Service's fixed ClusterIP, if any (extender.clusterIP or Open-Local's global.YodaSchedulerSvcIP). */}}
{{- define "open-local.extenderClusterIP" -}}
{{- .Values.extender.clusterIP | default .Values.global.YodaSchedulerSvcIP -}}
{{- end -}}

{{/* https when the extender serves TLS (extender.tls.enabled), else http. */}}
{{- define "open-local.extenderScheme" -}}
{{- ternary "https" "http" (.Values.extender.tls.enabled | default false) -}}
{{- end -}}

{{/* scheduling.mode (#14): "extender" or "capacity" (CSIStorageCapacity, no extender installed). */}}
{{- define "open-local.schedulingMode" -}}
{{- (.Values.scheduling).mode | default "extender" -}}
{{- end -}}

{{/* The component a scheduling mode leaves out ("" when none), for the per-component ranges. */}}
{{- define "open-local.omittedComponent" -}}
{{- ternary "scheduler-extender" "" (eq (include "open-local.schedulingMode" .) "capacity") -}}
{{- end -}}

{{/* Base URL of the extender inside the cluster (csi-plugin --extender-url). */}}
{{- define "open-local.extenderBaseUrl" -}}
{{- printf "%s://%s.%s:%v" (include "open-local.extenderScheme" .) .Values.extender.name (include "open-local.namespace" .) (int .Values.extender.port) -}}
{{- end -}}

{{/* urlPrefix for kube-scheduler: extender.url, else the fixed ClusterIP, else the Service's DNS name. */}}
{{- define "open-local.extenderUrlPrefix" -}}
{{- $ip := include "open-local.extenderClusterIP" . -}}
{{- if .Values.extender.url -}}
{{- .Values.extender.url -}}
{{- else if $ip -}}
{{- printf "%s://%s:%v/scheduler" (include "open-local.extenderScheme" .) (ternary (printf "[%s]" $ip) $ip (contains ":" $ip)) (int .Values.extender.port) -}}
{{- else -}}
{{- printf "%s/scheduler" (include "open-local.extenderBaseUrl" .) -}}
{{- end -}}
{{- end -}}

{{/* The CSI socket directory on the host and the socket kubelet dials. */}}
{{- define "open-local.pluginDir" -}}
{{- printf "%s/plugins/%s" (trimSuffix "/" .Values.agent.kubelet_dir) .Values.driver -}}
{{- end -}}

{{/* Where MountPoint volumes live on the host (Open-Local: /mnt/<name>/). */}}
{{- define "open-local.mountDir" -}}
{{- printf "/mnt/%s" .Values.name -}}
{{- end -}}

{{/* "true" or "false" from controller.update_nls (Open-Local wrote the string "true"). */}}
{{- define "open-local.updateNls" -}}
{{- toString .Values.controller.update_nls | lower -}}
{{- end -}}

{{/*
The image of one of our components; pass (dict "root" $ "key" "agent"|"csi_plugin"|"controller"|"extender").
images.local wins when its image is set (Open-Local's one image for every component), else images.<key>.
*/}}
{{- define "open-local.componentImage" -}}
{{- $images := .root.Values.images -}}
{{- $image := index $images .key -}}
{{- if ($images.local).image -}}
{{- $image = $images.local -}}
{{- end -}}
{{- include "open-local.image" (dict "root" .root "image" $image) -}}
{{- end -}}

{{/* Env entries that point a container at kube-apiserver (apiServer.host and .port), or nothing when unset. */}}
{{- define "open-local.apiServerEnv" -}}
{{- if .Values.apiServer.host -}}
- name: KUBERNETES_SERVICE_HOST
  value: {{ .Values.apiServer.host | quote }}
- name: KUBERNETES_SERVICE_PORT
  value: {{ .Values.apiServer.port | toString | quote }}
{{- end -}}
{{- end -}}

{{/*
What lvm needs from the host inside a node container, besides /dev and /sys: /run/lvm (its hints and the
lvmpolld/lvmetad sockets) and the host's /etc/lvm, so the host's device filters apply and metadata backups and
archives land on the host, not in the container.
*/}}
{{- define "open-local.lvmMounts" -}}
- name: run-lvm
  mountPath: /run/lvm
- name: etc-lvm
  mountPath: /etc/lvm
{{- end -}}

{{- define "open-local.lvmVolumes" -}}
- name: run-lvm
  hostPath:
    path: /run/lvm
    type: DirectoryOrCreate
- name: etc-lvm
  hostPath:
    path: /etc/lvm
    type: DirectoryOrCreate
{{- end -}}

{{/* failureThreshold of the apps' startup probes (every 5 s): probes.startupSeconds / 5, at least 1. */}}
{{- define "open-local.startupFailures" -}}
{{- max 1 (div (int .Values.probes.startupSeconds) 5) -}}
{{- end -}}

{{/*
"true" when the nodeScope ValidatingAdmissionPolicies render, else "": nodeScope.enabled auto (the default) turns
them on where the cluster serves ValidatingAdmissionPolicy v1 (Kubernetes >= 1.30); true or false is explicit
(true below 1.30 is refused by open-local.validate).
*/}}
{{- define "open-local.nodeScopeEnabled" -}}
{{- $v := toString .Values.nodeScope.enabled -}}
{{- $hasVap := semverCompare ">=1.30-0" .Capabilities.KubeVersion.Version -}}
{{- if or (eq $v "true") (and (eq $v "auto") $hasVap) -}}true{{- end -}}
{{- end -}}
