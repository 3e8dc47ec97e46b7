{{- define "mizan.labels" -}}
app.kubernetes.io/name: mizan
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "mizan.selector" -}}
app.kubernetes.io/name: mizan
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "mizan.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}

{{/* The settings, the secrets as files, the keys and the shared volumes: the same for the API, the worker and
the migrations Job. */}}
{{- define "mizan.env" -}}
- name: MIZAN_SECRETS_DIR
  value: /run/secrets/mizan
- name: MIZAN_TEMPORAL_TLS_CA_FILE
  value: /run/secrets/temporal/ca.crt
- name: MIZAN_TEMPORAL_TLS_CERT_FILE
  value: /run/secrets/temporal/tls.crt
- name: MIZAN_TEMPORAL_TLS_KEY_FILE
  value: /run/secrets/temporal/tls.key
- name: MIZAN_KEYCLOAK_CA_FILE
  value: /run/secrets/trust/ca.crt
- name: MIZAN_OPENSEARCH_CA_FILE
  value: /run/secrets/trust/ca.crt
- name: SSL_CERT_FILE
  value: /run/secrets/trust/ca.crt
- name: MIZAN_AUDIT_KEY_FILE
  value: /run/secrets/keys/audit-hmac.key
- name: MIZAN_CERTIFICATE_KEY_FILE
  value: /run/secrets/keys/certificate-ed25519.pem
- name: MIZAN_AUDIT_ANCHOR_FILE
  value: /var/lib/mizan/anchors/anchors.jsonl
- name: MIZAN_WEB_COOKIE_SECRET
  valueFrom:
    secretKeyRef: {name: {{ .Values.secrets.keys }}, key: web-cookie.secret}
{{- with .Values.mail }}
# mail goes to the ministry's relay: no development sink in production
- name: MIZAN_MAIL_SINK
  value: "false"
- name: MIZAN_SMTP_HOST
  value: {{ required "mail.relayHost: the SMTP relay" .relayHost | quote }}
- name: MIZAN_SMTP_PORT
  value: {{ .relayPort | quote }}
- name: MIZAN_SMTP_STARTTLS
  value: {{ .starttls | quote }}
{{- if .username }}
- name: MIZAN_SMTP_USERNAME
  value: {{ .username | quote }}
- name: MIZAN_SMTP_PASSWORD_FILE
  value: /run/secrets/keys/smtp-password
{{- end }}
- name: MIZAN_MAIL_FROM
  value: {{ .from | quote }}
- name: MIZAN_MAIL_DOMAIN
  value: {{ .domain | quote }}
{{- end }}
{{- range $name, $value := .Values.settings }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{- define "mizan.volumeMounts" -}}
- {name: state, mountPath: /var/lib/mizan}
- {name: files, mountPath: /var/lib/mizan/documents, subPath: documents}
- {name: files, mountPath: /var/lib/mizan/certificates, subPath: certificates}
- {name: anchors, mountPath: /var/lib/mizan/anchors}
- {name: settings, mountPath: /run/secrets/mizan, readOnly: true}
- {name: temporal-client, mountPath: /run/secrets/temporal, readOnly: true}
- {name: trust, mountPath: /run/secrets/trust, readOnly: true}
- {name: keys, mountPath: /run/secrets/keys, readOnly: true}
- {name: tmp, mountPath: /tmp}
{{- end }}

{{- define "mizan.volumes" -}}
- {name: state, emptyDir: {}}
- {name: tmp, emptyDir: {}}
- name: files
  persistentVolumeClaim: {claimName: {{ .Values.storage.files.claimName }}}
- name: anchors
  persistentVolumeClaim: {claimName: {{ .Values.storage.anchors.claimName }}}
- name: settings
  secret: {secretName: {{ .Values.secrets.settings }}, defaultMode: 0400}
- name: temporal-client
  secret: {secretName: {{ .Values.secrets.temporalClient }}, defaultMode: 0400}
- name: trust
  secret: {secretName: {{ .Values.secrets.trust }}, defaultMode: 0444}
- name: keys
  secret: {secretName: {{ .Values.secrets.keys }}, defaultMode: 0400}
{{- end }}

{{- define "mizan.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile: {type: RuntimeDefault}
{{- end }}

{{- define "mizan.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: {drop: ["ALL"]}
{{- end }}
