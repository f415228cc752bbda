package meibeltest

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// scoringModule is the confidence module the server scores every reply with.
const scoringModule = "groundedness"

// scoringJob is the confidence scoring of one assistant reply: store.chat
// creates one per reply, already completed, with a deterministic score.
type scoringJob struct {
	id, agentName, agentVersion, sessionID string
	turn                                   int // 1 for a session's first reply
	score                                  float64
}

// Score is the local server's deterministic confidence score of an
// assistant reply: a value from 0.50 to 0.99, in steps of 0.01, that
// depends only on the reply's text.
func Score(reply string) float64 {
	h := fnv.New32a()
	h.Write([]byte(reply))
	return float64(50+h.Sum32()%50) / 100
}

// scoreReply records the scoring job of the reply that ends ss's messages.
func (s *store) scoreReply(ss *session, reply string) {
	_, id := s.next("csj")
	turn := 0
	for _, m := range ss.messages {
		if m.role == "assistant" {
			turn++
		}
	}
	s.scoring = append(s.scoring, &scoringJob{id: id, agentName: ss.agentName, agentVersion: ss.version,
		sessionID: ss.id, turn: turn, score: Score(reply)})
}

func (j *scoringJob) response() generated.ScoringJobResponse {
	return generated.ScoringJobResponse{
		JobId: j.id, Module: scoringModule, Status: "completed",
		Score: nullable.NewNullableWithValue(j.score),
		Explanation: nullable.NewNullableWithValue(fmt.Sprintf(
			"meibeltest: deterministic %s score of turn %d", scoringModule, j.turn)),
		AgentIdentityContext: generated.AgentIdentityContext{
			CustomerId: customerID, ProjectId: projectID,
			AgentName:      nullable.NewNullableWithValue(j.agentName),
			AgentVersion:   nullable.NewNullableWithValue(j.agentVersion),
			AgentSessionId: nullable.NewNullableWithValue(j.sessionID),
			AgentTurn:      nullable.NewNullableWithValue(j.turn),
		},
	}
}

// ListScoringJobs lists the scoring jobs, oldest first, that match every
// filter given. Jobs come from agent sessions, so they have no workflow or
// tool identity: a workflow or tool filter matches none.
func (h *handlers) ListScoringJobs(_ context.Context, req generated.ListScoringJobsRequestObject) (generated.ListScoringJobsResponseObject, error) {
	p := req.Params
	is := func(want *string, v string) bool { return want == nil || *want == v }
	if p.AgentWorkflowName != nil || p.AgentWorkflowVersion != nil || p.AgentWorkflowSessionId != nil ||
		p.ToolId != nil || p.ToolInstanceId != nil || p.ToolExecutionId != nil {
		return generated.ListScoringJobs200JSONResponse{}, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := generated.ListScoringJobs200JSONResponse{}
	for _, j := range h.scoring {
		if is(p.AgentName, j.agentName) && is(p.AgentVersion, j.agentVersion) && is(p.AgentSessionId, j.sessionID) {
			out = append(out, j.response())
		}
	}
	return out, nil
}

// GetScoringJob returns one scoring job (404 when unknown).
func (h *handlers) GetScoringJob(_ context.Context, req generated.GetScoringJobRequestObject) (generated.GetScoringJobResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, j := range h.scoring {
		if j.id == req.JobId {
			return generated.GetScoringJob200JSONResponse(j.response()), nil
		}
	}
	return nil, notFound("scoring job %q not found", req.JobId)
}

// round4 rounds a mean to 4 decimals, hiding float noise (0.7350000001).
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// tally is the scores of a group of jobs.
type tally struct {
	ids []string
	sum float64
}

func (t tally) mean() float64 { return round4(t.sum / float64(len(t.ids))) }

func tallyOf(jobs []*scoringJob) tally {
	var t tally
	for _, j := range jobs {
		t.ids = append(t.ids, j.id)
		t.sum += j.score
	}
	return t
}

// summary is a ScoreSummary of jobs: status "completed" with the mean
// score, or "no_jobs" with null scores when there are none.
func summary(jobs []*scoringJob) generated.ScoreSummary {
	t := tallyOf(jobs)
	out := generated.ScoreSummary{
		Status: nullable.NewNullableWithValue("no_jobs"), JobIds: nullable.NewNullableWithValue([]string{}),
		AggregateScore: nullable.NewNullNullable[float64](),
		ModuleScores:   nullable.NewNullableWithValue(map[string]float64{}),
		NJobsPerModule: nullable.NewNullableWithValue(map[string]int{}),
	}
	if len(jobs) == 0 {
		return out
	}
	out.Status = nullable.NewNullableWithValue("completed")
	out.JobIds = nullable.NewNullableWithValue(t.ids)
	out.AggregateScore = nullable.NewNullableWithValue(t.mean())
	// One module: its mean is the aggregate.
	out.ModuleScores = nullable.NewNullableWithValue(map[string]float64{scoringModule: t.mean()})
	out.NJobsPerModule = nullable.NewNullableWithValue(map[string]int{scoringModule: len(jobs)})
	return out
}

func turnSummary(turn int, jobs []*scoringJob) generated.TurnSummary {
	t := tallyOf(jobs)
	return generated.TurnSummary{
		Turn: nullable.NewNullableWithValue(turn), Status: nullable.NewNullableWithValue("completed"),
		AggregateScore: nullable.NewNullableWithValue(t.mean()), JobIds: nullable.NewNullableWithValue(t.ids),
		ModuleScores:   nullable.NewNullableWithValue(map[string]float64{scoringModule: t.mean()}),
		NJobsPerModule: nullable.NewNullableWithValue(map[string]int{scoringModule: len(jobs)}),
	}
}

// agentKnown reports whether an agent of this name exists or has been
// scored (the jobs of a deleted agent stay).
func (s *store) agentKnown(name string) bool {
	if s.agentByName(name) != nil {
		return true
	}
	for _, j := range s.scoring {
		if j.agentName == name {
			return true
		}
	}
	return false
}

// GetAgentScoringSummary summarises every scoring job of the agent, over all
// its sessions and versions (turns is absent: turns belong to sessions). An
// agent never scored has status "no_jobs"; an unknown agent is a 404.
func (h *handlers) GetAgentScoringSummary(_ context.Context, req generated.GetAgentScoringSummaryRequestObject) (generated.GetAgentScoringSummaryResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.agentKnown(req.AgentName) {
		return nil, notFound("agent %q not found", req.AgentName)
	}
	var jobs []*scoringJob
	for _, j := range h.scoring {
		if j.agentName == req.AgentName {
			jobs = append(jobs, j)
		}
	}
	return generated.GetAgentScoringSummary200JSONResponse(summary(jobs)), nil
}

// GetAgentSessionScoringSummary summarises the scoring jobs of one session
// of the agent, with one entry per turn in turns. An unknown agent or
// session, or a session of another agent, is a 404.
func (h *handlers) GetAgentSessionScoringSummary(_ context.Context, req generated.GetAgentSessionScoringSummaryRequestObject) (generated.GetAgentSessionScoringSummaryResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.agentKnown(req.AgentName) {
		return nil, notFound("agent %q not found", req.AgentName)
	}
	ss, err := h.session(req.SessionId)
	if err != nil {
		return nil, err
	}
	if ss.agentName != req.AgentName {
		return nil, notFound("session %q not found for agent %q", req.SessionId, req.AgentName)
	}
	var jobs []*scoringJob
	byTurn := map[int][]*scoringJob{}
	for _, j := range h.scoring {
		if j.sessionID == ss.id {
			jobs = append(jobs, j)
			byTurn[j.turn] = append(byTurn[j.turn], j)
		}
	}
	out := summary(jobs)
	turns := []generated.TurnSummary{}
	for turn := 1; turn <= len(byTurn); turn++ {
		turns = append(turns, turnSummary(turn, byTurn[turn]))
	}
	out.Turns = nullable.NewNullableWithValue(turns)
	return generated.GetAgentSessionScoringSummary200JSONResponse(out), nil
}
