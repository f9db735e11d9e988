{{/*
Naming. Every name is a DNS-1123 label of at most 63 characters; suffixed
names shorten the prefix, never the suffix, so two objects cannot collapse to
the same name when the release name is long.
*/}}
{{- define "pilotlight.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pilotlight.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "<fullname>-<suffix>" within 63 characters: (list $ "suffix") */}}
{{- define "pilotlight.suffixedName" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- $room := int (sub 62 (len $suffix)) }}
{{- printf "%s-%s" (include "pilotlight.fullname" $root | trunc $room | trimSuffix "-") $suffix }}
{{- end }}

{{- define "pilotlight.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels on every object. */}}
{{- define "pilotlight.labels" -}}
helm.sh/chart: {{ include "pilotlight.chart" . }}
{{ include "pilotlight.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pilotlight
{{- end }}

{{- define "pilotlight.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pilotlight.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Selector labels of one component: (list $ "gateway") */}}
{{- define "pilotlight.componentSelectorLabels" -}}
{{ include "pilotlight.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/*
Pod-template labels of the model servers and Redis: no chart or app version, so
upgrading pilotlight (or the chart) does not restart a loaded model or wipe Redis.
*/}}
{{- define "pilotlight.stablePodLabels" -}}
{{ include "pilotlight.componentSelectorLabels" . }}
app.kubernetes.io/managed-by: {{ (index . 0).Release.Service }}
app.kubernetes.io/part-of: pilotlight
{{- end }}

{{- define "pilotlight.componentLabels" -}}
{{ include "pilotlight.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "pilotlight.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pilotlight.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pilotlight.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "pilotlight.redisName" -}}
{{- include "pilotlight.suffixedName" (list . "redis") }}
{{- end }}

{{/*
Durations ("500ms", "30s", "2m", "1h30m", "1d"; pilotlight's syntax) to whole
seconds, rounded up.
*/}}
{{- define "pilotlight.durationSeconds" -}}
{{- $total := 0.0 }}
{{- range (regexFindAll "[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)" (toString .) -1) }}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" . | float64 }}
{{- $unit := regexReplaceAll "^[0-9]+(\\.[0-9]+)?" . "" }}
{{- $scale := get (dict "ms" 0.001 "s" 1.0 "m" 60.0 "h" 3600.0 "d" 86400.0) $unit }}
{{- $total = addf $total (mulf $num $scale) }}
{{- end }}
{{- ceil $total | int }}
{{- end }}

{{/*
Deep merge with explicit-key semantics: (list $base $override) -> YAML.
Unlike sprig's merge/mergeOverwrite, an override of false, 0 or "" wins
(mergo skips "empty" values), maps merge key by key, lists and scalars
replace, and null removes the key.
*/}}
{{- define "pilotlight.deepMerge" -}}
{{- $base := index . 0 | default dict }}
{{- $over := index . 1 | default dict }}
{{- $out := deepCopy $base }}
{{- range $k, $v := $over }}
{{- if kindIs "invalid" $v }}
{{- $_ := unset $out $k }}
{{- else if and (kindIs "map" $v) (kindIs "map" (get $out $k)) }}
{{- $_ := set $out $k (include "pilotlight.deepMerge" (list (get $out $k) $v) | fromYaml) }}
{{- else }}
{{- $_ := set $out $k $v }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/*
The models, resolved once: each entry of .Values.models merged over
.Values.modelDefaults, plus
  workload: {create, kind, name, namespace}  - what the gateway scales
  gpus:     GPUs per replica (the tensor-parallel size for chart-made vLLM)
  served:   the name vLLM serves and pilotlight sends upstream
  slug:     the model name as a DNS label (for the default workload name)
Returns YAML {models: [...]}; callers use `fromYaml`.
*/}}
{{- define "pilotlight.models" -}}
{{- $root := . }}
{{- $out := list }}
{{- $names := dict }}
{{- $workloads := dict }}
{{- if not .Values.models }}
{{- fail "models: at least one model is required (see values.yaml)" }}
{{- end }}
{{- range $i, $raw := .Values.models }}
{{- if not $raw.name }}
{{- fail (printf "models[%d].name is required" $i) }}
{{- end }}
{{- if hasKey $names $raw.name }}
{{- fail (printf "models[%d].name %q is used twice" $i $raw.name) }}
{{- end }}
{{- $_ := set $names $raw.name true }}
{{- $m := include "pilotlight.deepMerge" (list $root.Values.modelDefaults $raw) | fromYaml }}
{{- $slug := regexReplaceAll "[^a-z0-9-]+" (lower $m.name) "-" | trunc 40 | trimAll "-" }}
{{- $w := $m.workload | default dict }}
{{- $create := ternary $w.create true (hasKey $w "create") }}
{{- $wname := "" }}
{{- $wns := $root.Release.Namespace }}
{{- $kind := $w.kind | default "Deployment" }}
{{- if $create }}
{{- if not (dig "vllm" "model" "" $m) }}
{{- fail (printf "models[%d] (%s): vllm.model (the Hugging Face model id or path) is required when the chart creates the Deployment" $i $m.name) }}
{{- end }}
{{- if $w.namespace }}
{{- fail (printf "models[%d] (%s): workload.namespace is only for existing workloads (workload.create: false); the chart creates Deployments in the release namespace" $i $m.name) }}
{{- end }}
{{- if ne $kind "Deployment" }}
{{- fail (printf "models[%d] (%s): the chart creates Deployments; workload.kind %q is only for existing workloads" $i $m.name $kind) }}
{{- end }}
{{- $wname = $w.name | default (include "pilotlight.suffixedName" (list $root $slug)) }}
{{- if or (gt (len $wname) 63) (not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" $wname)) }}
{{- fail (printf "models[%d] (%s): workload.name %q must be a DNS label of at most 63 characters (it is also the pods' label value)" $i $m.name $wname) }}
{{- end }}
{{- else }}
{{- if not $w.name }}
{{- fail (printf "models[%d] (%s): workload.name is required when workload.create is false" $i $m.name) }}
{{- end }}
{{- $wname = $w.name }}
{{- $wns = $w.namespace | default $root.Release.Namespace }}
{{- end }}
{{- $key := printf "%s/%s/%s" $wns $kind $wname }}
{{- if hasKey $workloads $key }}
{{- fail (printf "models[%d] (%s): workload %s is already used by model %q; give each model its own workload.name" $i $m.name $key (get $workloads $key)) }}
{{- end }}
{{- $_ := set $workloads $key $m.name }}
{{- $tp := int (dig "vllm" "tensorParallelSize" 1 $m) }}
{{- $gpus := $tp }}
{{- if and $create (hasKey $m "gpusPerReplica") (ne (int $m.gpusPerReplica) $tp) }}
{{- fail (printf "models[%d] (%s): gpusPerReplica (%d) differs from vllm.tensorParallelSize (%d); for chart-made Deployments leave gpusPerReplica unset" $i $m.name (int $m.gpusPerReplica) $tp) }}
{{- end }}
{{- if not $create }}
{{- $gpus = int (ternary $m.gpusPerReplica 1 (hasKey $m "gpusPerReplica")) }}
{{- end }}
{{- $_ := set $m "workload" (dict "create" $create "kind" $kind "name" $wname "namespace" $wns) }}
{{- $_ := set $m "gpus" $gpus }}
{{- $_ := set $m "served" ($m.servedModelName | default $m.name) }}
{{- $_ := set $m "slug" $slug }}
{{- $out = append $out $m }}
{{- end }}
{{- toYaml (dict "models" $out) }}
{{- end }}

{{/* The state section: Redis whenever it is configured, and required for more than one gateway replica. */}}
{{- define "pilotlight.state" -}}
{{- $url := "" }}
{{- if .Values.redis.enabled }}
{{- $url = printf "redis://%s:%d" (include "pilotlight.redisName" .) (int .Values.redis.port) }}
{{- else if .Values.externalRedis.url }}
{{- $url = .Values.externalRedis.url }}
{{- end }}
{{- if and (gt (int .Values.gateway.replicas) 1) (not $url) }}
{{- fail (printf "gateway.replicas is %d: several gateway replicas share load and the scaling lease through Redis; set redis.enabled=true or externalRedis.url (or gateway.replicas=1 for in-memory state)" (int .Values.gateway.replicas)) }}
{{- end }}
{{- if $url }}
{{- $s := dict "type" "redis" "url" $url }}
{{- range $k, $v := .Values.config.state }}
{{- if not (kindIs "invalid" $v) }}
{{- $_ := set $s $k $v }}
{{- end }}
{{- end }}
{{- toYaml $s }}
{{- else }}
{{- /* The root filesystem is read-only: learned policy state goes to the /tmp emptyDir (kept across container restarts, not pod replacement). */}}
{{- toYaml (dict "type" "memory" "path" "/tmp/pilotlight/state.json") }}
{{- end }}
{{- end }}

{{/* Copies the keys of a map whose value is not null or "": (list $src) */}}
{{- define "pilotlight.compact" -}}
{{- $out := dict }}
{{- range $k, $v := index . 0 }}
{{- if not (or (kindIs "invalid" $v) (and (kindIs "string" $v) (eq $v ""))) }}
{{- $_ := set $out $k $v }}
{{- end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* The gateway's pilotlight.yaml (validated by `pilotlight validate` in the chart's tests). */}}
{{- define "pilotlight.configYaml" -}}
{{- $c := .Values.config }}
{{- $models := list }}
{{- range (include "pilotlight.models" . | fromYaml).models }}
{{- $provider := dict "type" "kubernetes" "kind" .workload.kind "name" .workload.name "namespace" .workload.namespace }}
{{- $provider = merge $provider (include "pilotlight.compact" (list (.provider | default dict)) | fromYaml) }}
{{- $entry := dict "name" .name "gpusPerReplica" .gpus "provider" $provider }}
{{- if .aliases }}{{ $_ := set $entry "aliases" .aliases }}{{ end }}
{{- if .servedModelName }}{{ $_ := set $entry "servedModelName" .servedModelName }}{{ end }}
{{- if not (kindIs "invalid" .gpuPricePerHour) }}{{ $_ := set $entry "gpuPricePerHour" .gpuPricePerHour }}{{ end }}
{{- $scaling := include "pilotlight.compact" (list (.scaling | default dict)) | fromYaml }}
{{- if $scaling }}{{ $_ := set $entry "scaling" $scaling }}{{ end }}
{{- $queue := include "pilotlight.compact" (list (.queue | default dict)) | fromYaml }}
{{- if $queue }}{{ $_ := set $entry "queue" $queue }}{{ end }}
{{- $routing := include "pilotlight.compact" (list (.routing | default dict)) | fromYaml }}
{{- if $routing }}{{ $_ := set $entry "routing" $routing }}{{ end }}
{{- $models = append $models $entry }}
{{- end }}
{{- $server := dict "host" $c.server.host "port" (int $c.server.port) "adminHost" $c.server.adminHost "adminPort" (int $c.server.adminPort) "maxBodySize" $c.server.maxBodySize "shutdownTimeout" $c.server.shutdownTimeout }}
{{- /* Sections one by one, in the order of docs/config.md. */ -}}
# pilotlight gateway configuration, rendered by the Helm chart {{ include "pilotlight.chart" . }}
# from the release's values; every key is described in docs/config.md.
{{ toYaml (dict "server" $server) }}
{{ toYaml (dict "autoscaler" $c.autoscaler) }}
{{ toYaml (dict "gpus" (dict "pricePerHour" $c.gpus.pricePerHour)) }}
{{ toYaml (dict "logging" $c.logging) }}
{{ toYaml (dict "state" (include "pilotlight.state" . | fromYaml)) }}
{{ toYaml (dict "models" $models) }}
{{- end }}

{{/* Pod anti-affinity of the gateway across nodes, from gateway.podAntiAffinity (soft|hard|none). */}}
{{- define "pilotlight.gatewayAffinity" -}}
{{- if .Values.gateway.affinity }}
{{- toYaml .Values.gateway.affinity }}
{{- else if eq .Values.gateway.podAntiAffinity "soft" }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "pilotlight.componentSelectorLabels" (list . "gateway") | nindent 12 }}
{{- else if eq .Values.gateway.podAntiAffinity "hard" }}
podAntiAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    - topologyKey: kubernetes.io/hostname
      labelSelector:
        matchLabels:
          {{- include "pilotlight.componentSelectorLabels" (list . "gateway") | nindent 10 }}
{{- end }}
{{- end }}

{{/* RBAC rules of the Kubernetes provider; argument: {deployments: [names], statefulsets: [names]} */}}
{{- define "pilotlight.rbacRules" -}}
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, patch]
{{- range $resource, $names := . }}
- apiGroups: [apps]
  resources: [{{ $resource }}]
  resourceNames: {{ toJson $names }}
  verbs: [get]
- apiGroups: [apps]
  resources: [{{ $resource }}/scale]
  resourceNames: {{ toJson $names }}
  verbs: [get, patch]
{{- end }}
{{- end }}

{{/* Name of the model-cache claim the chart creates for a workload: "<workload>-cache" within 63 characters. */}}
{{- define "pilotlight.modelCacheClaim" -}}
{{- printf "%s-cache" (. | trunc 57 | trimSuffix "-") }}
{{- end }}

{{/* The configured model names, as a JSON array. */}}
{{- define "pilotlight.modelNames" -}}
{{- $names := list }}
{{- range (include "pilotlight.models" . | fromYaml).models }}{{ $names = append $names .name }}{{ end }}
{{- toJson $names }}
{{- end }}
