package meibeltest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

const sessionActive = "active"

// session is a conversation with one version of an agent.
type session struct {
	id, agentID, agentName, version string
	seq                             int
	status                          string
	start                           time.Time
	messages                        []message
	settings                        SessionSettings
}

type message struct {
	role, text, signalID string
	at                   time.Time
}

func (s *store) session(id string) (*session, error) {
	ss, ok := s.sessions[id]
	if !ok {
		return nil, notFound("session %q not found", id)
	}
	return ss, nil
}

// startSession creates a session on version v of a; a prompt in the request
// is sent as the first chat message.
func (s *store) startSession(a *agent, v *agentVersion, body *generated.CreateSessionRequest) *session {
	seq, id := s.next("ses")
	ss := &session{id: id, agentID: a.id, agentName: a.name, version: v.version, seq: seq,
		status: sessionActive, start: now(), settings: settingsOf(body)}
	s.sessions[id] = ss
	if body != nil {
		if prompt, ok := get(body.Prompt); ok && prompt != "" {
			s.chat(ss, prompt)
		}
	}
	return ss
}

// CreateSession starts a session on the agent's newest published version, or
// on its current draft when none is published.
func (h *handlers) CreateSession(_ context.Context, req generated.CreateSessionRequestObject) (generated.CreateSessionResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, err := h.agent(req.AgentId)
	if err != nil {
		return nil, err
	}
	v := a.newestPublished()
	if v == nil {
		v = a.current()
	}
	ss := h.startSession(a, v, optionalBody(req.Body))
	return generated.CreateSession201JSONResponse{SessionId: ss.id}, nil
}

// CreateSessionByName starts a session on the newest published version of
// the agent with that name: 404 when there is no such agent, or when it has
// no published version.
func (h *handlers) CreateSessionByName(_ context.Context, req generated.CreateSessionByNameRequestObject) (generated.CreateSessionByNameResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a := h.agentByName(req.Name)
	if a == nil {
		return nil, notFound("agent %q not found", req.Name)
	}
	v := a.newestPublished()
	if v == nil {
		return nil, notFound("no published version of agent %q", req.Name)
	}
	ss := h.startSession(a, v, optionalBody(req.Body))
	return generated.CreateSessionByName201JSONResponse{SessionId: ss.id}, nil
}

// ListSessions lists an agent's sessions with offset/limit (default 10),
// sorted by start_time, optionally filtered by status.
func (h *handlers) ListSessions(_ context.Context, req generated.ListSessionsRequestObject) (generated.ListSessionsResponseObject, error) {
	p := req.Params
	desc, err := descending(p.SortOrder)
	if err != nil {
		return nil, err
	}
	if p.SortBy != nil && *p.SortBy != "start_time" {
		return nil, invalid(fmt.Sprintf("cannot sort sessions by %q (use start_time)", *p.SortBy), "query", "sort_by")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.agent(req.AgentId); err != nil {
		return nil, err
	}
	var list []*session
	for _, s := range h.sessions {
		if s.agentID == req.AgentId && (p.Status == nil || *p.Status == s.status) {
			list = append(list, s)
		}
	}
	slices.SortFunc(list, func(x, y *session) int {
		if desc {
			return y.seq - x.seq
		}
		return x.seq - y.seq
	})
	w, err := window(len(list), p.Offset, p.Limit, 10)
	if err != nil {
		return nil, err
	}
	data := make([]generated.SessionSummary, 0, w.hi-w.lo)
	for _, s := range list[w.lo:w.hi] {
		data = append(data, generated.SessionSummary{
			SessionId: s.id, Status: s.status, StartTime: s.start,
			AgentName: nullable.NewNullableWithValue(s.agentName), AgentVersion: nullable.NewNullableWithValue(s.version),
			MessagesCount: ptr(len(s.messages)), Result: &[]map[string]any{},
		})
	}
	return generated.ListSessions200JSONResponse{Data: data, Total: len(list), Offset: w.lo,
		Limit: nullable.NewNullableWithValue(w.limit)}, nil
}

// GetSession returns the session's execution details and messages.
func (h *handlers) GetSession(_ context.Context, req generated.GetSessionRequestObject) (generated.GetSessionResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, err := h.session(req.SessionId)
	if err != nil {
		return nil, err
	}
	msgs := make([]generated.MessageEntry, 0, len(s.messages))
	for _, m := range s.messages {
		msgs = append(msgs, generated.MessageEntry{Role: m.role, Message: m.text,
			SignalId: nullable.NewNullableWithValue(m.signalID), Timestamp: m.at})
	}
	return generated.GetSession200JSONResponse{
		AgentId: nullable.NewNullableWithValue(s.agentID), AgentName: nullable.NewNullableWithValue(s.agentName),
		Version: nullable.NewNullableWithValue(s.version), Status: s.status, Messages: msgs,
		ToolActivity: []generated.ToolActivityEntry{}, TokenUsage: []nullable.Nullable[map[string]any]{},
		FileParsing: []generated.FileParseEntry{}, Result: []generated.ArtifactEntry{},
	}, nil
}

// SendChatMessage stores the user message and a deterministic assistant
// reply (see Reply) and returns the reply.
func (h *handlers) SendChatMessage(_ context.Context, req generated.SendChatMessageRequestObject) (generated.SendChatMessageResponseObject, error) {
	b := req.Body
	h.mu.Lock()
	defer h.mu.Unlock()
	s, err := h.session(req.SessionId)
	if err != nil {
		return nil, err
	}
	reply, signal := h.chat(s, b.UserMessage)
	in, out := len(strings.Fields(b.UserMessage)), len(strings.Fields(reply))
	resp := generated.SendChatMessage200JSONResponse{
		SignalId: signal, AssistantResponse: reply,
		Response: generated.ChatResponse{
			Message:           nullable.NewNullableWithValue(reply),
			Sources:           nullable.NewNullableWithValue([]generated.Source{}),
			FollowUpQuestions: nullable.NewNullableWithValue([]string{}),
		},
		TokenUsage: nullable.NewNullableWithValue(map[string]int{
			"input_tokens": in, "output_tokens": out, "total_tokens": in + out}),
	}
	if v, ok := get(b.IncludeThinking); ok && v {
		resp.Thinking = nullable.NewNullableWithValue(fmt.Sprintf("The user sent %d words; echo them back.", in))
	}
	if v, ok := get(b.IncludeToolActivity); ok && v {
		resp.ToolActivity = nullable.NewNullableWithValue([]generated.ToolActivity{})
	}
	return resp, nil
}

// chat appends a user message and the reply to it, and scores the reply
// (scoring.go); it returns the reply and the signal id both share.
func (s *store) chat(ss *session, text string) (string, string) {
	_, signal := s.next("sig")
	reply := Reply(ss.agentName, text)
	t := now()
	ss.messages = append(ss.messages,
		message{role: "user", text: text, signalID: signal, at: t},
		message{role: "assistant", text: reply, signalID: signal, at: t})
	s.scoreReply(ss, reply)
	return reply, signal
}

// Reply is the local server's deterministic assistant reply: it names the
// agent and echoes the prompt, summarised to its first 30 words when longer.
func Reply(agentName, prompt string) string {
	words := strings.Fields(prompt)
	if len(words) <= 30 {
		return fmt.Sprintf("%s received: %q", agentName, strings.Join(words, " "))
	}
	return fmt.Sprintf("%s received %d words: %q", agentName, len(words), strings.Join(words[:30], " ")+" …")
}

// GetSessionMessages returns the session's messages, oldest first, typed
// user_message / assistant_message.
func (h *handlers) GetSessionMessages(_ context.Context, req generated.GetSessionMessagesRequestObject) (generated.GetSessionMessagesResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, err := h.session(req.SessionId)
	if err != nil {
		return nil, err
	}
	items := make([]generated.SessionMessageItem, 0, len(s.messages))
	for _, m := range s.messages {
		items = append(items, generated.SessionMessageItem{
			Type: m.role + "_message", Message: nullable.NewNullableWithValue(m.text),
			SignalId: nullable.NewNullableWithValue(m.signalID), Timestamp: nullable.NewNullableWithValue(timestamp(m.at)),
		})
	}
	return generated.GetSessionMessages200JSONResponse{
		AgentId: nullable.NewNullableWithValue(s.agentID), AgentName: nullable.NewNullableWithValue(s.agentName),
		Version: nullable.NewNullableWithValue(s.version), Messages: items,
	}, nil
}

// optionalBody is the body of an operation whose body may be absent or JSON
// null (a pointer to a pointer in the strict server): nil for both.
func optionalBody[T any](b **T) *T {
	if b == nil {
		return nil
	}
	return *b
}
