// Package botprovider is a client for a Recall.ai-compatible meeting-bot API:
// create a bot that joins a Zoom meeting, read its status changes,
// participants and recordings, send a chat message, make it leave, and
// verify and parse the status webhooks the provider sends.
//
// It is shaped like google/go-github: one Client, typed requests and
// responses, and typed errors (*APIError, *RateLimitError,
// *PoolExhaustedError) whose messages say what to do. The client never
// retries: callers (Temporal activities) decide from the typed errors.
//
// The base URL is configuration, so the same code drives Recall.ai
// (https://us-east-1.recall.ai, https://eu-central-1.recall.ai, ...) or any
// self-hosted service that speaks the same API.
//
// Status and sub codes are plain strings: the provider documents sub codes
// as an open set that grows without notice, so the constants in this
// package name the known values without restricting what may arrive.
package botprovider
