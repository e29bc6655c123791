package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ingressMetrics are the ingress' Prometheus metrics, served on /metrics.
type ingressMetrics struct {
	registry      *prometheus.Registry
	events        *prometheus.CounterVec
	rejected      *prometheus.CounterVec
	signalLatency prometheus.Histogram
}

func newIngressMetrics() *ingressMetrics {
	m := &ingressMetrics{
		registry: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meetvault_webhook_events_total",
			Help: "Verified webhook deliveries by event and outcome.",
		}, []string{"event", "outcome"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "meetvault_webhook_rejected_total",
			Help: "Webhook deliveries refused, by reason (bad_signature, stale_timestamp, ...).",
		}, []string{"reason"}),
		signalLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "meetvault_webhook_signal_seconds",
			Help:    "Time to make a recording.completed durable (signal-with-start into Temporal).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}),
	}
	m.registry.MustRegister(m.events, m.rejected, m.signalLatency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *ingressMetrics) outcome(event, outcome string) {
	m.events.WithLabelValues(event, outcome).Inc()
}

func (m *ingressMetrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
