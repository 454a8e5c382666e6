{{/* Chart name, truncated to a DNS label. */}}
{{- define "metallb-ts.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "metallb-ts.fullname" -}}
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

{{/* Labels on every object. */}}
{{- define "metallb-ts.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "metallb-ts.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels (add app.kubernetes.io/component per workload). */}}
{{- define "metallb-ts.selectorLabels" -}}
app.kubernetes.io/name: {{ include "metallb-ts.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "metallb-ts.controller.fullname" -}}
{{- printf "%s-controller" (include "metallb-ts.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "metallb-ts.speaker.fullname" -}}
{{- printf "%s-speaker" (include "metallb-ts.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "metallb-ts.controller.serviceAccountName" -}}
{{- if .Values.controller.serviceAccount.create }}
{{- default (include "metallb-ts.controller.fullname" .) .Values.controller.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.controller.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "metallb-ts.speaker.serviceAccountName" -}}
{{- if .Values.speaker.serviceAccount.create }}
{{- default (include "metallb-ts.speaker.fullname" .) .Values.speaker.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.speaker.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The memberlist Secret: MetalLB's "memberlist" unless speaker.memberlist.secretName is set. */}}
{{- define "metallb-ts.memberlistSecretName" -}}
{{- default "memberlist" .Values.speaker.memberlist.secretName }}
{{- end }}

{{/* The operator's leader-election Lease (passed as --lease-name and named in its Role). */}}
{{- define "metallb-ts.leaseName" -}}
{{- include "metallb-ts.controller.fullname" . }}
{{- end }}

{{/* repository:tag of an image value; the tag defaults to the chart's appVersion. */}}
{{- define "metallb-ts.image" -}}
{{- printf "%s:%s" .image.repository (default .chart.AppVersion .image.tag) }}
{{- end }}

{{/* Metrics port flag value: the port, or 0 when metrics are off. */}}
{{- define "metallb-ts.metricsPort" -}}
{{- if .Values.prometheus.serveMetrics }}{{ .Values.prometheus.metricsPort }}{{ else }}0{{ end }}
{{- end }}

{{/* prometheus.io scrape annotations, when asked for and metrics are on. */}}
{{- define "metallb-ts.scrapeAnnotations" -}}
{{- if and .Values.prometheus.scrapeAnnotations .Values.prometheus.serveMetrics }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.prometheus.metricsPort | quote }}
{{- end }}
{{- end }}

{{/* One probe block from a probe value, a path, a port and an optional host. */}}
{{- define "metallb-ts.probe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
  {{- with .host }}
  host: {{ . }}
  {{- end }}
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
successThreshold: {{ .probe.successThreshold }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end }}
