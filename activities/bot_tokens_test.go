package activities

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/zoom"
)

// fakeHosts is a HostDirectory whose only connected user is alice.
type fakeHosts struct{ issued []string }

func (f *fakeHosts) HostOf(context.Context, string, string) (HostInfo, bool, string, error) {
	return HostInfo{}, false, "", nil
}

func (f *fakeHosts) JoinTokenURL(_ context.Context, _, meetingID, user, _ string, _ time.Time) (string, error) {
	f.issued = append(f.issued, "join_token:"+user)
	return "https://mv.example/bot/join-token?secret=j", nil
}

func (f *fakeHosts) ConnectedUser(_ context.Context, _, user string) (HostInfo, bool, error) {
	if user == "alice@acme.example" || user == "u-alice" {
		return HostInfo{ZoomUserID: "u-alice", Email: "alice@acme.example"}, true, nil
	}
	return HostInfo{}, false, nil
}

func (f *fakeHosts) UserTokenURL(_ context.Context, kind, _, _, user, _ string, expires time.Time) (string, error) {
	if !expires.After(time.Now()) {
		return "", errors.New("expiry in the past")
	}
	f.issued = append(f.issued, kind+":"+user)
	return "https://mv.example/bot/" + kind + "?secret=" + kind, nil
}

func TestBotLinksAreDecidedInOnePlace(t *testing.T) {
	ctx := context.Background()
	in := CreateBotInput{TenantID: "acme", MeetingID: "999", WorkflowID: "bot/acme/999"}

	// The host of the meeting connected OAuth: a join-token link only.
	hosts := &fakeHosts{}
	a := &Activities{Hosts: hosts}
	withToken := in
	withToken.JoinTokenUser = "u-bob"
	cfg, links, err := a.botZoomConfig(ctx, withToken)
	if err != nil || cfg.JoinTokenURL == "" || cfg.OBFTokenURL != "" || cfg.ZakURL != "" || strings.Join(links, ",") != BotLinkJoinToken {
		t.Fatalf("join token: %+v %v %v", cfg, links, err)
	}

	// An outside meeting with a connected on-behalf-of user: OBF and ZAK.
	hosts = &fakeHosts{}
	a = &Activities{Hosts: hosts}
	obo := in
	obo.OnBehalfOf = "alice@acme.example"
	cfg, links, err = a.userTokenLinks(ctx, obo, placeOutside, time.Now().Add(time.Hour))
	if err != nil || cfg.OBFTokenURL == "" || cfg.ZakURL == "" || cfg.JoinTokenURL != "" {
		t.Fatalf("outside meeting: %+v %v", cfg, err)
	}
	if strings.Join(links, ",") != "obf,zak" || strings.Join(hosts.issued, ",") != "obf:u-alice,zak:u-alice" {
		t.Fatalf("links %v issued %v", links, hosts.issued)
	}

	// The tenant's own meeting: no OBF (the bot would wait for that user).
	if cfg, links, err := a.userTokenLinks(ctx, obo, placeInside, time.Now().Add(time.Hour)); err != nil || cfg != nil || links != nil {
		t.Fatalf("inside meeting: %+v %v %v", cfg, links, err)
	}
	// Unknown place (the tenant's app may not ask): no user, no links, no error.
	if cfg, _, err := a.userTokenLinks(ctx, in, placeUnknown, time.Now().Add(time.Hour)); err != nil || cfg != nil {
		t.Fatalf("unknown place: %+v %v", cfg, err)
	}

	// An outside meeting and nobody to mint for: a typed, actionable,
	// non-retryable error.
	for name, tc := range map[string]struct {
		a  *Activities
		in CreateBotInput
	}{
		"no user named":       {&Activities{Hosts: &fakeHosts{}}, in},
		"user not connected":  {&Activities{Hosts: &fakeHosts{}}, CreateBotInput{TenantID: "acme", MeetingID: "999", OnBehalfOf: "carol@acme.example"}},
		"host OAuth disabled": {&Activities{}, obo},
	} {
		_, _, err := tc.a.userTokenLinks(ctx, tc.in, placeOutside, time.Now().Add(time.Hour))
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != BotExternalMeetingNoToken || !appErr.NonRetryable() {
			t.Fatalf("%s: %v, want a non-retryable %s", name, err, BotExternalMeetingNoToken)
		}
		for _, want := range []string{"outside tenant acme's Zoom account", "user:read:token", "starter host connect --tenant acme"} {
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("%s: message %q lacks %q", name, err, want)
			}
		}
	}
}

func TestMeetingPlaceFromTheTenantsLookup(t *testing.T) {
	notFound := &zoom.ErrorResponse{Response: &http.Response{StatusCode: 404}, Code: 3001, Message: "Meeting does not exist: 999."}
	noScope := &zoom.PermissionError{Err: &zoom.ErrorResponse{Response: &http.Response{StatusCode: 400}, Code: 4711}}
	for _, tc := range []struct {
		err  error
		want meetingPlace
		fail bool
	}{
		{nil, placeInside, false},
		{notFound, placeOutside, false},
		{noScope, placeUnknown, false},
		{errors.New("connection reset"), placeUnknown, true},
	} {
		got, err := placeFrom(tc.err, "lookup")
		if got != tc.want || (err != nil) != tc.fail {
			t.Errorf("%v: place %v err %v, want %v (fail %v)", tc.err, got, err, tc.want, tc.fail)
		}
	}
}
