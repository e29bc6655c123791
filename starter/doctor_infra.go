package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/temporalconn"
	"github.com/meetvault/meetvault/zoom"
)

// hostConnectionProblems reports dead host OAuth connections: bots of those
// hosts fall back to asking for consent, so they degrade, not block.
func hostConnectionProblems(conns []store.HostConnection, tenantID string) (string, []problem) {
	var out []problem
	for _, c := range conns {
		who := c.Email
		if who == "" {
			who = c.ZoomUserID
		}
		if c.Status != store.HostConnectionDead {
			if missing := missingHostScopes(c.Scope); len(missing) > 0 {
				out = append(out, problem{User: who, Check: "host_oauth_scopes",
					Problem: "the host's Zoom OAuth grant lacks " + strings.Join(missing, ", ") + ": bots cannot get a join token for this host",
					Fix:     fmt.Sprintf(fixHostScopes, strings.Join(missing, " "), tenantID)})
			}
			continue
		}
		why := "the host's Zoom OAuth connection is dead"
		if c.DeadReason != "" {
			why += " (" + c.DeadReason + ")"
		}
		out = append(out, problem{User: who, Check: "host_oauth", Problem: why + ": bots must ask this host for consent instead of using a join token",
			Fix: fmt.Sprintf(fixReconnectHost, tenantID)})
	}
	dead := 0
	for _, c := range conns {
		if c.Status == store.HostConnectionDead {
			dead++
		}
	}
	return fmt.Sprintf("%d connection(s), %d dead", len(conns), dead), out
}

// hostScopes are what a host's grant needs for join tokens, each with the
// names Zoom accepts for it (granular scope, or the classic one).
var hostScopes = []struct {
	want    string
	accepts []string
}{
	{"meeting:read:local_recording_token", []string{"meeting:read:local_recording_token", "meeting:read:local_recording_token:admin", "meeting:read", "meeting:read:admin"}},
	{"meeting:read:meeting", []string{"meeting:read:meeting", "meeting:read:meeting:admin", "meeting:read", "meeting:read:admin"}},
}

// missingHostScopes lists the join-token scopes a grant lacks; an unknown
// (empty) grant lacks nothing we can tell.
func missingHostScopes(granted string) []string {
	have := strings.Fields(strings.ReplaceAll(granted, ",", " "))
	if len(have) == 0 {
		return nil
	}
	var missing []string
	for _, s := range hostScopes {
		if !slices.ContainsFunc(s.accepts, func(a string) bool { return slices.Contains(have, a) }) {
			missing = append(missing, s.want)
		}
	}
	return missing
}

// checkWebhook does the URL validation round trip Zoom does when an event
// subscription is saved: a signed endpoint.url_validation event to the
// tenant's webhook URL, whose answer must be HMAC-SHA256(secret token,
// plainToken). It runs from this host, so it proves the ingress answers
// correctly at that URL, not that Zoom's network reaches it.
func checkWebhook(ctx context.Context, hc *http.Client, publicURL string, t store.Tenant, now time.Time) (string, []problem) {
	if t.WebhookSecretToken == "" {
		return "no secret token registered", []problem{{Problem: "no webhook secret token is registered: recordings arrive only by scheduled import, bots by polling",
			Fix: fmt.Sprintf(fixWebhookSecret, t.ID)}}
	}
	target := strings.TrimRight(publicURL, "/") + "/webhooks/zoom/" + t.ID
	fail := func(what string) (string, []problem) {
		return target, []problem{{Problem: "Zoom's URL validation of " + target + " would fail: " + what,
			Fix: fmt.Sprintf(fixWebhookURL, target)}}
	}
	plain := "doctor-" + strconv.FormatInt(now.UnixNano(), 36)
	body, _ := json.Marshal(map[string]any{"event": "endpoint.url_validation", "event_ts": now.UnixMilli(),
		"payload": map[string]string{"plainToken": plain}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fail(err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-zm-request-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("x-zm-signature", zoom.WebhookSignature(t.WebhookSecretToken, now.Unix(), body))
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already in the message
		}
		return fail(oneLine(err))
	}
	defer resp.Body.Close()
	var answer struct {
		PlainToken     string `json:"plainToken"`
		EncryptedToken string `json:"encryptedToken"`
	}
	if resp.StatusCode != http.StatusOK {
		return fail("HTTP " + strconv.Itoa(resp.StatusCode))
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return fail("the answer is not Zoom's JSON: " + err.Error())
	}
	if answer.PlainToken != plain || answer.EncryptedToken != zoom.URLValidationResponse(t.WebhookSecretToken, plain) {
		return fail("the answer is signed with another secret token (is the ingress using this tenant's?)")
	}
	return target + " answers Zoom's URL validation", nil
}

// checkS3 reaches the bucket with the worker's S3 settings (HEAD bucket).
func checkS3(ctx context.Context) (string, []problem) {
	var c config.S3
	if err := processEnv(&c); err != nil {
		return "not configured", []problem{{Problem: oneLine(err), Fix: fixS3, Blocks: true}}
	}
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(c.Region)}
	if c.AccessKey != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKey, c.SecretKey, "")))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return "AWS configuration", []problem{{Problem: oneLine(err), Fix: fixS3, Blocks: true}}
	}
	cl := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		o.UsePathStyle = c.PathStyle
	})
	where := "bucket " + c.Bucket
	if c.Endpoint != "" {
		where += " at " + c.Endpoint
	}
	_, err = cl.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(c.Bucket)})
	var re *smithyhttp.ResponseError
	switch {
	case err == nil:
		return where + " reachable", nil
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound:
		return where, []problem{{Problem: "the bucket " + c.Bucket + " does not exist", Fix: fmt.Sprintf(fixS3Bucket, c.Bucket), Blocks: true}}
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden:
		return where, []problem{{Problem: "access to the bucket " + c.Bucket + " is denied", Fix: fixS3, Blocks: true}}
	default:
		return where, []problem{{Problem: "cannot reach S3: " + oneLine(err), Fix: fixS3, Blocks: true}}
	}
}

// checkTemporal reaches the namespace and looks for meetvault's search
// attributes.
func checkTemporal(ctx context.Context, e env) (string, []problem) {
	ns := e.Temporal.Namespace
	c, err := dialTemporal(ctx, e)
	if err != nil {
		return e.Temporal.Address, []problem{{Problem: oneLine(err), Fix: fixTemporal, Blocks: true}}
	}
	defer c.Close()
	return temporalProblems(ctx, c, e.Temporal.Address, ns)
}

func temporalProblems(ctx context.Context, c client.Client, address, ns string) (string, []problem) {
	if err := temporalconn.CheckNamespace(ctx, c, ns); err != nil {
		return address, []problem{{Problem: oneLine(err), Fix: fmt.Sprintf(fixNamespace, ns), Blocks: true}}
	}
	missing, wrongType, err := temporalconn.MissingSearchAttributes(ctx, c, ns)
	if err != nil {
		return address, []problem{{Problem: oneLine(err), Fix: fixTemporal, Blocks: true}}
	}
	var out []problem
	if len(missing) > 0 {
		out = append(out, problem{Check: "temporal_search_attributes", Problem: fmt.Sprintf("namespace %s lacks the search attributes %s", ns, strings.Join(missing, ", ")),
			Fix: temporalconn.SetupFix, Blocks: true})
	}
	if len(wrongType) > 0 {
		out = append(out, problem{Check: "temporal_search_attributes", Problem: fmt.Sprintf("namespace %s has search attributes of the wrong type: %s", ns, strings.Join(wrongType, ", ")),
			Fix: "remove them (temporal operator search-attribute remove) and run starter admin setup", Blocks: true})
	}
	return fmt.Sprintf("%s namespace %s, %d search attributes", address, ns, len(temporalconn.SearchAttributes())), out
}
