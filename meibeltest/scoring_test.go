package meibeltest

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/meibel-ai/meibel-go/client"
)

func TestConfidenceScoring(t *testing.T) {
	_, ts := NewHTTPTest(t)
	c := newClient(t, ts)
	ctx := context.Background()
	agent := func(name string) string {
		a, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: name, Instructions: "x"})
		if err != nil {
			t.Fatal(err)
		}
		return a.Id
	}
	echo, other := agent("Echo"), agent("Other")
	_ = agent("Idle")

	// Session A: a prompt and two chat messages (3 turns); B: one; Other: one.
	prompts := []string{"hello", "what is Meibel?", "thanks"}
	a, err := c.Agents.CreateSession(ctx, echo, &client.CreateSessionRequest{Prompt: client.Value(prompts[0])})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prompts[1:] {
		if _, err := c.Sessions.SendChatMessage(ctx, a.SessionId, client.ChatMessageRequest{UserMessage: p}); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := c.Agents.CreateSession(ctx, echo, &client.CreateSessionRequest{Prompt: client.Value("second session")})
	o, _ := c.Agents.CreateSession(ctx, other, &client.CreateSessionRequest{Prompt: client.Value("hi")})

	all, err := c.ConfidenceScoring.ListScoringJobs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Fatalf("%d jobs", len(all))
	}
	jobs, err := c.ConfidenceScoring.ListScoringJobs(ctx, &client.ListScoringJobsParams{AgentName: client.Ptr("echo"), AgentSessionId: client.Ptr(a.SessionId)})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 3 {
		t.Fatalf("session A jobs %+v", jobs)
	}
	var sum float64
	for i, j := range jobs {
		id := j.AgentIdentityContext
		turn, _ := client.ValueOf(id.AgentTurn)
		name, _ := client.ValueOf(id.AgentName)
		score, err := j.Score.Get()
		if err != nil || turn != i+1 || name != "echo" || j.Status != "completed" || j.Module != "groundedness" || id.CustomerId == "" {
			t.Fatalf("job %d %+v %v", i, j, err)
		}
		if want := Score(Reply("echo", prompts[i])); score != want {
			t.Errorf("turn %d score %v, want %v", i+1, score, want)
		}
		sum += score
	}
	for _, tc := range []struct {
		params client.ListScoringJobsParams
		want   int
	}{
		{client.ListScoringJobsParams{AgentName: client.Ptr("echo")}, 4},
		{client.ListScoringJobsParams{AgentVersion: client.Ptr("1")}, 5},
		{client.ListScoringJobsParams{AgentSessionId: client.Ptr(o.SessionId)}, 1},
		{client.ListScoringJobsParams{AgentName: client.Ptr("other"), AgentSessionId: client.Ptr(b.SessionId)}, 0},
		{client.ListScoringJobsParams{ToolId: client.Ptr("t")}, 0},
		{client.ListScoringJobsParams{AgentName: client.Ptr("ghost")}, 0},
	} {
		got, err := c.ConfidenceScoring.ListScoringJobs(ctx, &tc.params)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want {
			t.Errorf("filter %+v: %d jobs, want %d", tc.params, len(got), tc.want)
		}
	}
	// Exact JSON: no jobs is an empty array.
	r := do(t, ts, "GET", "/confidence-scoring/jobs?tool_id=t", nil)
	expect(t, r, 200)
	if got := strings.TrimSpace(string(r.raw)); got != "[]" {
		t.Fatalf("no jobs %s", got)
	}

	j, err := c.ConfidenceScoring.GetScoringJob(ctx, jobs[1].JobId)
	if err != nil || j.JobId != jobs[1].JobId {
		t.Fatalf("get %+v %v", j, err)
	}
	_, err = c.ConfidenceScoring.GetScoringJob(ctx, "csj_missing")
	wantStatus(t, err, 404)

	// The session summary: three turns, their mean.
	ss, err := c.ConfidenceScoring.GetAgentSessionScoringSummary(ctx, "echo", a.SessionId)
	if err != nil {
		t.Fatal(err)
	}
	turns, _ := client.ValueOf(ss.Turns)
	ids, _ := client.ValueOf(ss.JobIds)
	n, _ := client.ValueOf(ss.NJobsPerModule)
	agg, _ := client.ValueOf(ss.AggregateScore)
	if len(turns) != 3 || len(ids) != 3 || n["groundedness"] != 3 || math.Abs(agg-sum/3) > 1e-4 {
		t.Fatalf("session summary %+v (agg %v, want %v)", ss, agg, sum/3)
	}
	if tids, _ := client.ValueOf(turns[2].JobIds); len(tids) != 1 || tids[0] != jobs[2].JobId {
		t.Fatalf("turn 3 %+v", turns[2])
	}

	// The agent summary covers both sessions and has no turns.
	as, err := c.ConfidenceScoring.GetAgentScoringSummary(ctx, "echo")
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := client.ValueOf(as.JobIds); len(ids) != 4 || as.Turns.IsSpecified() {
		t.Fatalf("agent summary %+v", as)
	}

	// Exact JSON for an agent never scored.
	r = do(t, ts, "GET", "/confidence-scoring/summary/agent/idle", nil)
	expect(t, r, 200)
	if got := strings.TrimSpace(string(r.raw)); got != `{"aggregate_score":null,"job_ids":[],"module_scores":{},"n_jobs_per_module":{},"status":"no_jobs"}` {
		t.Fatalf("idle summary %s", got)
	}

	// 404s: unknown agent, unknown session, another agent's session.
	_, err = c.ConfidenceScoring.GetAgentScoringSummary(ctx, "ghost")
	wantStatus(t, err, 404)
	_, err = c.ConfidenceScoring.GetAgentSessionScoringSummary(ctx, "echo", "ses_missing")
	wantStatus(t, err, 404)
	_, err = c.ConfidenceScoring.GetAgentSessionScoringSummary(ctx, "other", b.SessionId)
	wantStatus(t, err, 404)
}

func TestScoreIsDeterministic(t *testing.T) {
	for _, s := range []string{"", "a", "echo received: \"hello\""} {
		if a, b := Score(s), Score(s); a != b || a < 0.5 || a > 0.99 {
			t.Fatalf("Score(%q) = %v, %v", s, a, b)
		}
	}
}

// value is the value of a nullable (the zero value when null or absent).
func value[T any](n client.Nullable[T]) T {
	v, _ := client.ValueOf(n)
	return v
}
