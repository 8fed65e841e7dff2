{{- define "wordpress.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "wordpress.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- /* Pod Security "restricted" (deploy/namespace.yaml enforces it): the image runs Apache as www-data. */ -}}
{{- define "wordpress.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 33
runAsGroup: 33
fsGroup: 33
seccompProfile: { type: RuntimeDefault }
{{- end -}}
{{- define "wordpress.containerSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities: { drop: [ALL] }
{{- end -}}
