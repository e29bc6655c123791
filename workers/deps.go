package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/meetvault/meetvault/archive"
	"github.com/meetvault/meetvault/codec"
	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/hostauth"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/temporalconn"
)

// deps are the clients every part of the process shares.
type deps struct {
	store    *store.Store
	archive  *archive.Store
	temporal client.Client
	http     *http.Client
	// codecServer decodes payloads for the Web UI and the CLI (ingress
	// /codec/); nil when MEETVAULT_CODEC_AUTH_TOKEN is unset.
	codecServer *codec.Handler
	// hostAuth is the hosts' Zoom OAuth (join tokens); nil when
	// MEETVAULT_ZOOM_USER_CLIENT_ID / _SECRET are not set.
	hostAuth *hostauth.Service
}

func (d *deps) Close() {
	if d.temporal != nil {
		d.temporal.Close()
	}
	if d.store != nil {
		d.store.Close()
	}
}

func connect(ctx context.Context, cfg config.Config, log *slog.Logger) (*deps, error) {
	d := &deps{}
	key, err := cfg.SecretKeyBytes()
	if err != nil {
		return nil, err
	}
	if d.codecServer, err = codec.ServerFromEnv(); err != nil {
		return nil, err
	}
	previous, err := store.PreviousKeysFromEnv() // a rotation not yet resealed
	if err != nil {
		return nil, err
	}
	if d.store, err = store.Open(ctx, cfg.Database.URL, key, previous...); err != nil {
		return nil, err
	}
	if cfg.Worker.Migrate {
		if err := d.store.Migrate(ctx); err != nil {
			d.Close()
			return nil, err
		}
	}
	if d.archive, err = archive.New(ctx, archive.Config{
		Endpoint: cfg.S3.Endpoint, Region: cfg.S3.Region, Bucket: cfg.S3.Bucket,
		AccessKey: cfg.S3.AccessKey, SecretKey: cfg.S3.SecretKey, PathStyle: cfg.S3.PathStyle,
		PartSize: cfg.S3.PartSizeMiB << 20,
	}); err != nil {
		d.Close()
		return nil, err
	}
	if cfg.S3.CreateBucket {
		if err := d.archive.EnsureBucket(ctx); err != nil {
			d.Close()
			return nil, err
		}
	}
	// TLS, mTLS and API keys: MEETVAULT_TEMPORAL_TLS_* (package temporalconn);
	// the payload codec: MEETVAULT_CODEC_* (package codec).
	if c, err := codec.FromEnv(); err != nil {
		d.Close()
		return nil, err
	} else if c == nil {
		log.Warn("Temporal payloads are not encrypted: set MEETVAULT_CODEC_KEYS or MEETVAULT_CODEC_KEY_FILE (README, Encrypted payloads)")
	}
	if d.temporal, err = temporalconn.Dial(ctx, cfg.Temporal.Address, cfg.Temporal.Namespace, tlog.NewStructuredLogger(log)); err != nil {
		d.Close()
		return nil, err
	}
	// Registering search attributes is `starter admin setup`'s job; a worker
	// only checks them, so it needs no operator rights on the cluster.
	if err := temporalconn.RequireSearchAttributes(ctx, d.temporal, cfg.Temporal.Namespace); errors.Is(err, temporalconn.ErrCannotCheck) {
		log.Warn("search attributes not checked", "err", err)
	} else if err != nil {
		d.Close()
		return nil, err
	}
	d.http = &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
	}}
	if d.hostAuth, err = newHostAuth(cfg, d.store, d.http, log); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}
