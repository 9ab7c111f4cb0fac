{{- define "catalog-web.fullname" -}}{{ .Release.Name }}{{- end }}
{{- define "catalog-web.labels" -}}app.kubernetes.io/name: catalog-web{{- end }}
{{- define "catalog-web.selectorLabels" -}}app.kubernetes.io/name: catalog-web{{- end }}
