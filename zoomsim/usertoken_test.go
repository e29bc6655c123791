package zoomsim

import (
	"testing"
)

// GET /v2/users/{userId}/token mints OBF tokens (the user's own OAuth token
// only), ZAKs (the user's token or the account's S2S token) and SDK tokens;
// the bot simulation accepts what it minted.
func TestUserTokenEndpoint(t *testing.T) {
	sim := newTestSim(t, testScenario())
	ut, err := sim.IssueUserTokens(hostMail)
	if err != nil {
		t.Fatal(err)
	}
	s2s := sim.token(0)
	var tr sdkTokenResponse
	var e apiError
	if st := sim.get("/v2/users/me/token?type=onbehalf&ttl=600", ut.AccessToken, &tr); st != 200 || tr.Token == "" {
		t.Fatalf("OBF with the user's token: %d", st)
	}
	if uid, ok := sim.redeemOBF(tr.Token); !ok || uid != hostID {
		t.Fatalf("minted OBF not accepted: %q %v", uid, ok)
	}
	if _, ok := sim.redeemOBF(tr.Token); ok {
		t.Fatal("OBF token used twice")
	}
	if st := sim.get("/v2/users/"+hostID+"/token?type=onbehalf", s2s, &e); st != 400 || e.Code != 4711 {
		t.Fatalf("OBF with an S2S token: %d %+v", st, e)
	}
	if st := sim.get("/v2/users/guest@acme.example/token?type=zak", ut.AccessToken, &e); st != 400 || e.Code != 4711 {
		t.Fatalf("another user's ZAK with a user token: %d %+v", st, e)
	}
	for _, tok := range []string{ut.AccessToken, s2s} {
		var z sdkTokenResponse
		if st := sim.get("/v2/users/"+hostID+"/token?type=zak", tok, &z); st != 200 {
			t.Fatalf("ZAK: %d", st)
		}
		if uid, ok := sim.checkZAK(z.Token); !ok || uid != hostID {
			t.Fatalf("ZAK not accepted: %q %v", uid, ok)
		}
	}
	if st := sim.get("/v2/users/me/token", ut.AccessToken, &tr); st != 200 || tr.Token == "" {
		t.Fatalf("default type=token: %d", st)
	}
	for _, q := range []string{"?type=bogus", "?type=onbehalf&ttl=31536001", "?type=onbehalf&ttl=x"} {
		if st := sim.get("/v2/users/me/token"+q, ut.AccessToken, &e); st != 400 || e.Code != 300 {
			t.Errorf("%s: %d %+v", q, st, e)
		}
	}
	if st := sim.get("/v2/users/nobody@acme.example/token?type=zak", s2s, &e); st != 404 || e.Code != 1001 {
		t.Fatalf("unknown user: %d %+v", st, e)
	}
}
