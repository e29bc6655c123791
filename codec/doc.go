// Package codec encrypts every Temporal payload meetvault writes (workflow
// and activity inputs and results, signals, queries' answers, memos, user
// metadata and, through the failure converter, error messages) with
// AES-256-GCM, so the Temporal service and whoever reads its database see
// no meeting topic, host e-mail or passcode.
//
// Each encrypted payload names the key that sealed it in its metadata
// ("encryption-key-id"), so keys rotate without a flag day: the codec
// encrypts with the current key and decrypts with any key it knows. Retire a
// key only once no retained history holds a payload sealed with it (the
// namespace's retention period after the last run that used it ended).
// Payloads that were never encrypted (histories written before the codec was
// turned on) pass through Decode unchanged.
//
// Keys come from the environment (see Config):
//
//	MEETVAULT_CODEC_KEYS            id:base64key[,id:base64key...] (32-byte keys)
//	MEETVAULT_CODEC_KEY_FILE        a file with the same entries, one per line, # comments
//	MEETVAULT_CODEC_CURRENT_KEY_ID  the id that encrypts (optional with a single key)
//	MEETVAULT_CODEC_AUTH_TOKEN      token the codec server (ingress /codec/) requires
//	MEETVAULT_CODEC_CORS_ORIGINS    Web UI origins allowed to call the codec server
//
// The codec server (Handler) is Temporal's remote codec protocol
// (POST …/encode, POST …/decode): the Web UI and the temporal CLI call it to
// show decoded payloads; the keys never leave the process that serves it.
package codec
