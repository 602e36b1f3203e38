{{- define "codeploy.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "codeploy.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "codeploy.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end -}}

{{- define "codeploy.workerSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end -}}

{{- define "codeploy.workerName" -}}
{{- printf "%s-worker" (include "codeploy.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{- define "codeploy.secretName" -}}
{{- default (include "codeploy.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{/* Replicas share state only through Postgres: refuse a multi-replica install without it. */}}
{{- define "codeploy.checkDatabase" -}}
{{- $replicas := int .Values.api.replicas -}}
{{- if .Values.api.autoscaling.enabled -}}{{- $replicas = max $replicas (int .Values.api.autoscaling.maxReplicas) -}}{{- end -}}
{{- if and (gt $replicas 1) (not .Values.existingSecret) (not .Values.secret.databaseUrl) -}}
{{- fail "more than one API replica needs a shared Postgres: set secret.databaseUrl or existingSecret (with a DATABASE_URL key), or api.replicas=1 with api.autoscaling.enabled=false" -}}
{{- end -}}
{{- if and .Values.worker.enabled (not .Values.existingSecret) (not .Values.secret.databaseUrl) -}}
{{- fail "workers take deployments from a queue in Postgres: set secret.databaseUrl or existingSecret (with a DATABASE_URL key), or worker.enabled=false" -}}
{{- end -}}
{{- end -}}


{{/* What the API and worker pods share: identity, restricted security, config, secrets, volumes. */}}
{{- define "codeploy.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "codeploy.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "codeploy.env" -}}
- name: CODEPLOY_CONFIG
  value: /etc/codeploy/codeploy.yaml
- name: CODEPLOY_HOME
  value: /data
{{- range $key := list "DATABASE_URL" "REDIS_URL" "CODEPLOY_JWT_SECRET" "CODEPLOY_AUDIT_KEY" "CODEPLOY_SECRET_SEED" }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "codeploy.secretName" $ }}
      key: {{ $key }}
      optional: true
{{- end }}
{{- end -}}
