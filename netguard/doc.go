// Package netguard keeps outbound fetches of URLs that come from outside
// (recording download links in webhooks and API answers, bot media links)
// on hosts the operator allowed, and keeps secrets out of error text.
//
// A signed Zoom webhook is enough to put any URL into a download: without a
// guard the worker would fetch it, from inside the network, with the
// tenant's Zoom token attached. The guard closes that in three places:
//
//  1. URL check (Guard.Check, and CheckRedirect on every redirect hop): the
//     scheme, host and port must match an Allowlist entry. Entries without
//     a scheme allow https only; "http://host" also allows plain http.
//     Entries without a port allow the scheme's default port only; ":*"
//     allows any port.
//  2. Dial check (Guard.DialContext, with a net.Dialer Control hook): every
//     address the host resolves to is checked again at connect time, so a
//     name that passes step 1 but resolves (or re-resolves: DNS rebinding)
//     to a loopback, private, link-local, CGNAT, cloud-metadata, multicast
//     or unspecified address is refused. An address in those ranges is
//     dialed only when the allowlist names it: an entry that is that IP
//     literal, or an entry that is the exact host name dialed. Wildcard
//     entries ("*.zoom.us") never open private ranges.
//  3. Redaction (RedactURL, ScrubText, ScrubError): query values (signatures,
//     access tokens, download tokens) and bearer tokens are removed from
//     any text that can reach workflow history, logs or Postgres.
//
// The guarded transport ignores HTTP(S)_PROXY: a proxy would make the dial
// check see the proxy's address instead of the target's.
package netguard
