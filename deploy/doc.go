// Package deploy holds no code: it is the home of meetvault's deployment
// files (Kubernetes manifests in deploy/k8s, the compose stack's Temporal
// configuration in deploy/compose) and of the tests that validate them and
// the repository's docker-compose.yml without a container engine.
package deploy
