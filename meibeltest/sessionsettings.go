package meibeltest

import (
	"slices"

	"github.com/meibel-ai/meibel-go/generated"
)

// SessionSettings are the CreateSessionRequest settings a session was started
// with (the fields spec 0.7.0 added, and max_iterations_per_user_message).
// No response schema of the spec has a place for them, so the server keeps
// them with the session and they are read with [Server.SessionSettings].
// Nil or empty means the request did not set the field.
type SessionSettings struct {
	MaxIterationsPerUserMessage *int
	MessageWaitTimeoutSeconds   *int
	ExecutionPolicyIDs          []string
	ExecutionPolicy             *generated.ExecutionPolicy
}

func settingsOf(body *generated.CreateSessionRequest) SessionSettings {
	if body == nil {
		return SessionSettings{}
	}
	st := SessionSettings{
		MaxIterationsPerUserMessage: copyPtr(body.MaxIterationsPerUserMessage),
		MessageWaitTimeoutSeconds:   copyPtr(body.MessageWaitTimeoutSeconds),
	}
	if ids, ok := get(body.ExecutionPolicyIds); ok {
		st.ExecutionPolicyIDs = slices.Clone(ids)
	}
	if p, ok := get(body.ExecutionPolicy); ok {
		st.ExecutionPolicy = &p
	}
	return st
}

func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// SessionSettings returns the settings session id was created with, and
// false when there is no such session.
func (s *Server) SessionSettings(id string) (SessionSettings, bool) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	ss, ok := s.store.sessions[id]
	if !ok {
		return SessionSettings{}, false
	}
	st := ss.settings
	st.ExecutionPolicyIDs = slices.Clone(st.ExecutionPolicyIDs)
	st.MaxIterationsPerUserMessage = copyPtr(st.MaxIterationsPerUserMessage)
	st.MessageWaitTimeoutSeconds = copyPtr(st.MessageWaitTimeoutSeconds)
	st.ExecutionPolicy = copyPtr(st.ExecutionPolicy)
	return st, true
}
