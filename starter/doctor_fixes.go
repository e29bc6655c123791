package main

// The doctor's problems and fixes, worded for the person who must act: the
// host (Zoom web portal paths as Zoom names them) or the operator (the
// command or variable to change). One place, so the wording stays
// consistent and reviewable.
const (
	fixLocalRecording = "Settings › Recording › Record to computer files (the host, or an admin if it is locked at the account or group level)"
	fixCloudRecording = "Settings › Recording › Cloud recording (the host, or an admin if it is locked at the account or group level)"
	fixReconnectHost  = "the host reconnects Zoom through the link of: starter host connect --tenant %s"
	fixHostScopes     = "add %s to the user-level OAuth app's scopes (Marketplace › the app › Scopes); " +
		"the host then reconnects through the link of: starter host connect --tenant %s"
	fixScope            = "add the scope(s) %s to the tenant's Server-to-Server OAuth app (Zoom App Marketplace › Manage › the app › Scopes), then reactivate it"
	fixCredentials      = "check that the tenant's Server-to-Server OAuth app is activated, then register its account id, client id and secret again: starter tenant add --id %s …"
	fixUnknownUser      = "the user is not in the tenant's Zoom account: correct the list with starter tenant add --id %s --users …"
	fixWebhookSecret    = "register the Zoom app's secret token (Marketplace › the app › Feature › Secret Token): starter tenant add --id %s … --webhook-secret-file FILE"
	fixWebhookURL       = "make %s reachable from the internet and routed to the ingress (workers -mode ingress or all), then validate it in the Zoom app's event subscription"
	fixS3               = "check MEETVAULT_S3_ENDPOINT / _REGION / _BUCKET and the credentials (the role needs s3:PutObject, s3:GetObject, s3:AbortMultipartUpload, s3:ListMultipartUploadParts on the bucket)"
	fixS3Bucket         = "create the bucket %s, or point MEETVAULT_S3_BUCKET at an existing one"
	fixPostgres         = "check MEETVAULT_DATABASE_URL and that Postgres accepts connections from this host"
	fixTemporal         = "check MEETVAULT_TEMPORAL_ADDRESS and, for TLS clusters, MEETVAULT_TEMPORAL_TLS_CA / _CERT / _KEY or MEETVAULT_TEMPORAL_API_KEY_FILE"
	fixNamespace        = "create the namespace (temporal operator namespace create %s) or set MEETVAULT_TEMPORAL_NAMESPACE to an existing one"
	fixBotProvider      = "check MEETVAULT_BOT_API_URL (the provider's regional base URL, e.g. https://us-east-1.recall.ai) and that this host reaches it"
	fixBotKey           = "set MEETVAULT_BOT_API_KEY to a key of the workspace in that region (keys are per region)"
	fixBotCredit        = "top up the workspace's balance in the provider's dashboard"
	fixBotWebhookSecret = "set MEETVAULT_BOT_WEBHOOK_SECRET to the workspace's webhook signing secret (whsec_…) " +
		"and point its webhooks at {MEETVAULT_PUBLIC_URL}/webhooks/bot"
	fixTenant = "register it: starter tenant add --id %s --account-id … --client-id … --client-secret-file …"
)

// noteRecordingRequests: "Hosts can give participants the permission to
// record locally" decides whether a bot may even ask; Zoom's API does not
// expose it, so it shows only as a bot's denial sub code.
const noteRecordingRequests = "Zoom's API does not expose \"Hosts can give participants the permission to record locally\" " +
	"(Settings › Recording › Local recording): bots need it on, unless the host connected Zoom OAuth (join token); " +
	"a bot refused for it ends settings_blocked / zoom_local_recording_request_disabled"
