package zoomsim

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func uoJoinPath(id int64, query string) string {
	return fmt.Sprintf("/v2/meetings/%d/jointoken/local_recording%s", id, query)
}

func TestJoinTokenForHost(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	host := sim.uoUserToken(hostID)
	var jt joinTokenResponse
	if st := sim.get(uoJoinPath(uoLiveID, "?bypass_waiting_room=true"), host.AccessToken, &jt); st != 200 || jt.Token == "" || jt.ExpireIn != 120 {
		t.Fatalf("host token: %d %+v", st, jt)
	}
	if bypass, ok := sim.redeemJoinToken(jt.Token, uoLiveID); !ok || !bypass {
		t.Fatalf("redeem: %v %v", bypass, ok)
	}
	// Single use.
	if _, ok := sim.redeemJoinToken(jt.Token, uoLiveID); ok {
		t.Fatal("redeemed twice")
	}
	// An S2S token of the host's account mints too; without bypass.
	if st := sim.get(uoJoinPath(uoLiveID, ""), sim.token(0), &jt); st != 200 || jt.Token == "" {
		t.Fatalf("S2S: %d", st)
	}
	// A token presented for another meeting fails and stays usable for its own.
	if _, ok := sim.redeemJoinToken(jt.Token, uoOtherLiveID); ok {
		t.Fatal("redeemed for another meeting")
	}
	if bypass, ok := sim.redeemJoinToken(jt.Token, uoLiveID); !ok || bypass {
		t.Fatalf("redeem S2S token: %v %v", bypass, ok)
	}
	if _, ok := sim.redeemJoinToken("made-up", uoLiveID); ok {
		t.Fatal("unknown token redeemed")
	}
	var state OAuthState
	sim.get("/_sim/oauth", "", &state)
	if j := state.JoinTokens; j.Minted != 2 || j.Redeemed != 2 || j.Rejected != 3 || j.Outstanding != 0 {
		t.Fatalf("join token stats %+v", j)
	}
	if c := sim.Stats().Accounts[acctID].Calls["GET /v2/meetings/{meetingId}/jointoken/local_recording"]; c != 2 {
		t.Fatalf("calls %d", c)
	}
}

func TestJoinTokenErrors(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	guest := sim.uoUserToken(uoGuestMail)
	cases := []struct {
		name, path, tok string
		status, code    int
		msg             string
	}{
		{"non-host user", uoJoinPath(uoLiveID, ""), guest.AccessToken, 404, 3001, fmt.Sprintf("Meeting does not exist: %d.", uoLiveID)},
		{"unknown meeting", uoJoinPath(12345, ""), sim.token(0), 404, 3001, "Meeting does not exist: 12345."},
		{"other account", uoJoinPath(uoOtherLiveID, ""), sim.token(0), 404, 3001, fmt.Sprintf("Meeting does not exist: %d.", uoOtherLiveID)},
		{"other account user", uoJoinPath(uoOtherLiveID, ""), guest.AccessToken, 404, 3001, fmt.Sprintf("Meeting does not exist: %d.", uoOtherLiveID)},
		{"local recording off", uoJoinPath(uoNoRecLiveID, ""), sim.token(0), 400, 3000,
			`Not allowed to start local recording. To use this feature, enable the "Local Recording" setting in the "Settings" page of the Zoom web portal.`},
		{"bad id", "/v2/meetings/abc/jointoken/local_recording", sim.token(0), 400, 300, "Invalid meeting ID."},
		{"bad bypass", uoJoinPath(uoLiveID, "?bypass_waiting_room=maybe"), sim.token(0), 400, 300, "Validation Failed."},
		{"no token", uoJoinPath(uoLiveID, ""), "", 401, 124, "Invalid access token."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var e apiError
			if st := sim.get(c.path, c.tok, &e); st != c.status || e.Code != c.code || e.Message != c.msg {
				t.Fatalf("got %d %+v, want %d %d %q", st, e, c.status, c.code, c.msg)
			}
		})
	}
	if m := sim.OAuthState().JoinTokens.Minted; m != 0 {
		t.Fatalf("minted %d", m)
	}
}

func TestJoinTokenExpires(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	var jt joinTokenResponse
	if st := sim.get(uoJoinPath(uoLiveID, ""), sim.token(0), &jt); st != 200 {
		t.Fatalf("status %d", st)
	}
	sim.AdvanceClock(119 * time.Second)
	late := sim.MintJoinToken(uoLiveID, false)
	sim.AdvanceClock(2 * time.Second)
	if _, ok := sim.redeemJoinToken(jt.Token, uoLiveID); ok {
		t.Fatal("expired token redeemed")
	}
	if _, ok := sim.redeemJoinToken(late, uoLiveID); !ok {
		t.Fatal("token minted 2 s ago rejected")
	}
}

func TestJoinTokenConcurrentRedeem(t *testing.T) {
	sim := newTestSim(t, uoScenario())
	const tokens, racers = 20, 16
	toks := make([]string, tokens)
	for i := range toks {
		toks[i] = sim.MintJoinToken(uoLiveID, i%2 == 0)
	}
	var wins [tokens]atomic.Int32
	var wg sync.WaitGroup
	for r := 0; r < racers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, tok := range toks {
				if _, ok := sim.redeemJoinToken(tok, uoLiveID); ok {
					wins[i].Add(1)
				}
				sim.MintJoinToken(uoLiveID, false) // concurrent mints
			}
		}()
	}
	wg.Wait()
	for i := range wins {
		if n := wins[i].Load(); n != 1 {
			t.Fatalf("token %d redeemed %d times", i, n)
		}
	}
	if st := sim.OAuthState().JoinTokens; st.Redeemed != tokens || st.Minted != tokens+tokens*racers {
		t.Fatalf("stats %+v", st)
	}
}
