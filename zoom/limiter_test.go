package zoom

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// reservationDelays reserves n requests at the same instant t0 and returns
// how long each would wait: the pacing Wait applies, without sleeping.
func reservationDelays(l *Limiter, method, path string, n int) []time.Duration {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b := l.bucket(method, path)
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = b.ReserveN(t0, 1).DelayFrom(t0)
	}
	return out
}

func TestLimiterPacing(t *testing.T) {
	tests := []struct {
		name         string
		plan         Plan
		method, path string
		n            int
		spacing      time.Duration
	}{
		{"pro heavy 10/s", PlanPro, "GET", "/v2/metrics/meetings/u/participants", 25, 100 * time.Millisecond},
		{"pro medium 20/s", PlanPro, "GET", "/v2/users", 5, 50 * time.Millisecond},
		{"pro light 30/s", PlanPro, "DELETE", "/v2/meetings/1/recordings", 4, time.Second / 30},
		{"pro resource-intensive 10/min", PlanPro, "GET", "/v2/metrics/meetings", 3, 6 * time.Second},
		{"business heavy 40/s", PlanBusiness, "GET", "/v2/report/users/u/meetings", 5, 25 * time.Millisecond},
		{"business medium 60/s", PlanBusiness, "GET", "/v2/archive_files", 4, time.Second / 60},
		{"business light 80/s", PlanBusiness, "GET", "/v2/meetings/1/jointoken/local_recording", 5, time.Second / 80},
		{"business resource-intensive 20/min", PlanBusiness, "GET", "/v2/metrics/webinars", 3, 3 * time.Second},
		{"business phone heavy 10/s", PlanBusiness, "GET", "/v2/phone/call_history", 3, 100 * time.Millisecond},
		{"pro phone medium 10/s", PlanPro, "GET", "/v2/phone/recordings", 3, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			delays := reservationDelays(NewLimiter(tt.plan), tt.method, tt.path, tt.n)
			for i, d := range delays {
				want := time.Duration(i) * tt.spacing
				if diff := d - want; diff < -time.Millisecond || diff > time.Millisecond {
					t.Errorf("request %d waits %v, want %v", i+1, d, want)
				}
			}
		})
	}
}

func TestLimiterProHeavy25Calls(t *testing.T) {
	delays := reservationDelays(NewLimiter(PlanPro), "GET", "/v2/metrics/meetings/x/participants", 25)
	if last := delays[24]; last < 1400*time.Millisecond {
		t.Errorf("25 Pro Heavy calls finish after %v, want ≥ 1.4 s", last)
	}
	// At most 10 in any one-second window, as Zoom counts.
	for i := 10; i < 25; i++ {
		if delays[i]-delays[i-10] < time.Second {
			t.Errorf("requests %d and %d are %v apart: 11 in one second", i-9, i+1, delays[i]-delays[i-10])
		}
	}
}

func TestLimiterLabelsAndTablesIndependent(t *testing.T) {
	l := NewLimiter(PlanPro)
	t0 := time.Now()
	// Exhaust Heavy's single token: Light, Medium, RI and phone Heavy are
	// untouched.
	l.bucket("GET", "/v2/metrics/meetings/x/participants").ReserveN(t0, 1)
	for _, p := range []string{"/v2/users", "/v2/meetings/1/recordings", "/v2/metrics/meetings", "/v2/phone/call_history"} {
		if d := l.bucket("GET", p).ReserveN(t0, 1).DelayFrom(t0); d != 0 {
			t.Errorf("%s waits %v after a Heavy call", p, d)
		}
	}
}

func TestLimiterUnknownPlanUsesPro(t *testing.T) {
	l := NewLimiter(Plan("free"))
	if l.Plan() != PlanPro || l.Limit("GET", "/v2/users") != 20 {
		t.Errorf("plan %q, Medium limit %v; want pro, 20", l.Plan(), l.Limit("GET", "/v2/users"))
	}
}

func TestParsePlan(t *testing.T) {
	for in, want := range map[string]Plan{"business": PlanBusiness, "Business+": PlanBusiness, " enterprise ": PlanBusiness,
		"education": PlanBusiness, "partner": PlanBusiness, "PRO": PlanPro} {
		got, err := ParsePlan(in)
		if err != nil || got != want {
			t.Errorf("ParsePlan(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParsePlan("free"); err == nil {
		t.Error("ParsePlan(free) accepted")
	}
}

func TestLimiterRegistry(t *testing.T) {
	var r LimiterRegistry // zero value usable
	a := r.For("acct-a", PlanPro)
	if r.For("acct-a", PlanPro) != a {
		t.Fatal("same account got a different Limiter")
	}
	b := r.For("acct-b", PlanPro)
	if b == a {
		t.Fatal("two accounts share a Limiter")
	}
	// An upgrade switches the shared Limiter's limits in place.
	if r.For("acct-a", PlanBusiness) != a {
		t.Fatal("plan change replaced the Limiter")
	}
	if a.Plan() != PlanBusiness || a.Limit("GET", "/v2/metrics/meetings/x/participants") != 40 ||
		a.Limit("GET", "/v2/metrics/meetings") != rate.Limit(20.0/60) || a.Limit("GET", "/v2/phone/call_history") != 10 {
		t.Errorf("after upgrade: plan %q heavy %v ri %v phone heavy %v", a.Plan(),
			a.Limit("GET", "/v2/metrics/meetings/x/participants"), a.Limit("GET", "/v2/metrics/meetings"), a.Limit("GET", "/v2/phone/call_history"))
	}
	if b.Limit("GET", "/v2/metrics/meetings/x/participants") != 10 {
		t.Error("upgrading one account changed another")
	}

	// Concurrent For calls for one account agree.
	var wg sync.WaitGroup
	got := make([]*Limiter, 32)
	for i := range got {
		wg.Go(func() { got[i] = r.For("acct-c", PlanPro) })
	}
	wg.Wait()
	for _, l := range got {
		if l != got[0] {
			t.Fatal("concurrent For returned different Limiters")
		}
	}
}

func TestLimiterWaitRefusesBeyondDeadline(t *testing.T) {
	l := NewLimiter(PlanPro) // Resource-intensive: one every 6 s
	ctx := context.Background()
	if err := l.Wait(ctx, "GET", "/v2/metrics/meetings"); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := l.Wait(short, "GET", "/v2/metrics/meetings")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if time.Since(start) > 50*time.Millisecond {
		t.Errorf("refusal took %v; it should not wait", time.Since(start))
	}
	// The refused slot was given back: the next request waits about 6 s,
	// not 12 s.
	now := time.Now()
	if d := l.bucket("GET", "/v2/metrics/meetings").ReserveN(now, 1).DelayFrom(now); d > 6*time.Second {
		t.Errorf("next slot in %v after a refused wait, want ≤ 6s", d)
	}

	canceled, cancel2 := context.WithCancel(ctx)
	cancel2()
	if err := l.Wait(canceled, "GET", "/v2/users"); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled ctx: err = %v", err)
	}
	var nilLimiter *Limiter
	if err := nilLimiter.Wait(ctx, "GET", "/v2/metrics/meetings"); err != nil {
		t.Errorf("nil Limiter: %v", err)
	}
}

func TestLimiterWaitCanceledWhileWaiting(t *testing.T) {
	l := NewLimiter(PlanPro)
	ctx, cancel := context.WithCancel(context.Background())
	_ = l.Wait(ctx, "GET", "/v2/metrics/meetings")
	done := make(chan error, 1)
	go func() { done <- l.Wait(ctx, "GET", "/v2/metrics/meetings") }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Wait did not return when its context was canceled")
	}
}

// TestLimiterConcurrentWaiters checks pacing under concurrency: 6 goroutines
// on a Pro Heavy bucket (10/s, burst 1) cannot all pass in under 0.5 s. Only
// a lower bound is asserted, so a slow machine cannot make it fail.
func TestLimiterConcurrentWaiters(t *testing.T) {
	l := NewLimiter(PlanPro)
	start := time.Now()
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if err := l.Wait(context.Background(), "GET", "/v2/report/users/u/meetings"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if el := time.Since(start); el < 490*time.Millisecond {
		t.Errorf("6 Pro Heavy waits took %v, want ≥ 0.5 s", el)
	}
}
