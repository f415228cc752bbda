package meibeltest

import (
	"testing"
)

func TestCreateSessionByName(t *testing.T) {
	_, ts := NewHTTPTest(t)

	r := do(t, ts, "POST", "/agents/name/ghost/sessions", map[string]any{})
	expect(t, r, 404)
	if d := detail(t, r); d != `agent "ghost" not found` {
		t.Fatalf("detail %q", d)
	}

	id := createAgent(t, ts, map[string]any{"display_name": "Support Bot", "instructions": "x"})
	r = do(t, ts, "POST", "/agents/name/support-bot/sessions", map[string]any{})
	expect(t, r, 404)
	if d := detail(t, r); d != `no published version of agent "support-bot"` {
		t.Fatalf("detail %q", d)
	}

	expect(t, do(t, ts, "POST", "/agents/"+id+"/publish", map[string]any{"commit_message": "v1"}), 200)
	do(t, ts, "PUT", "/agents/"+id, map[string]any{"instructions": "draft 2"}) // newest published stays 1
	r = do(t, ts, "POST", "/agents/name/support-bot/sessions", map[string]any{"prompt": "hello there"})
	expect(t, r, 201)
	sid := r.obj(t)["session_id"].(string)
	got := do(t, ts, "GET", "/sessions/"+sid, nil).obj(t)
	if got["version"] != "1" || got["agent_name"] != "support-bot" || len(got["messages"].([]any)) != 2 {
		t.Fatalf("session %v", got)
	}
	// A JSON null body is allowed (anyOf [CreateSessionRequest, null]).
	expect(t, do(t, ts, "POST", "/agents/name/support-bot/sessions", []byte("null")), 201)
	// So is no body at all.
	expect(t, do(t, ts, "POST", "/agents/name/support-bot/sessions", nil), 201)
}

func TestCreateSessionByNamePathEscaping(t *testing.T) {
	_, ts := NewHTTPTest(t)
	const name = "a/b c%é"
	id := createAgent(t, ts, map[string]any{"display_name": "Odd", "instructions": "x", "name": name})
	expect(t, do(t, ts, "POST", "/agents/"+id+"/publish", map[string]any{"commit_message": "v1"}), 200)
	r := do(t, ts, "POST", "/agents/name/a%2Fb%20c%25%C3%A9/sessions", map[string]any{})
	expect(t, r, 201)
	sid := r.obj(t)["session_id"].(string)
	if got := do(t, ts, "GET", "/sessions/"+sid, nil).obj(t)["agent_name"]; got != name {
		t.Fatalf("agent_name %q, want %q", got, name)
	}
}

func TestChatAndMessages(t *testing.T) {
	_, ts := NewHTTPTest(t)
	id := createAgent(t, ts, map[string]any{"display_name": "Echo", "instructions": "x"})
	r := do(t, ts, "POST", "/agents/"+id+"/sessions", nil)
	expect(t, r, 201)
	sid := r.obj(t)["session_id"].(string)

	r = do(t, ts, "POST", "/sessions/"+sid+"/chat", map[string]any{"user_message": "What is  Meibel?", "include_thinking": true})
	expect(t, r, 200)
	var chat struct {
		SignalID          string `json:"signal_id"`
		AssistantResponse string `json:"assistant_response"`
		Response          struct{ Message string }
		Thinking          string
	}
	r.json(t, &chat)
	want := Reply("echo", "What is  Meibel?")
	if chat.AssistantResponse != want || chat.Response.Message != want || chat.Thinking == "" || chat.SignalID == "" {
		t.Fatalf("chat %+v, want reply %q", chat, want)
	}
	if want != `echo received: "What is Meibel?"` {
		t.Fatalf("Reply = %q", want)
	}

	var msgs struct {
		AgentName string `json:"agent_name"`
		Messages  []struct {
			Type, Message string
			SignalID      string `json:"signal_id"`
		}
	}
	do(t, ts, "GET", "/sessions/"+sid+"/messages", nil).json(t, &msgs)
	if msgs.AgentName != "echo" || len(msgs.Messages) != 2 || msgs.Messages[0].Type != "user_message" ||
		msgs.Messages[1].Message != want || msgs.Messages[1].SignalID != chat.SignalID {
		t.Fatalf("messages %+v", msgs)
	}

	var list struct {
		Data []struct {
			SessionID     string `json:"session_id"`
			MessagesCount int    `json:"messages_count"`
		}
		Total int
		Limit int
	}
	do(t, ts, "POST", "/agents/"+id+"/sessions", map[string]any{})
	do(t, ts, "GET", "/agents/"+id+"/sessions", nil).json(t, &list)
	if list.Total != 2 || list.Limit != 10 || list.Data[1].SessionID != sid || list.Data[1].MessagesCount != 2 {
		t.Fatalf("sessions %+v", list)
	}
	do(t, ts, "GET", "/agents/"+id+"/sessions?status=ended", nil).json(t, &list)
	if list.Total != 0 {
		t.Fatalf("status filter %+v", list)
	}

	expect(t, do(t, ts, "POST", "/sessions/nope/chat", map[string]any{"user_message": "hi"}), 404)
	expect(t, do(t, ts, "GET", "/sessions/nope/messages", nil), 404)
	expect(t, do(t, ts, "GET", "/sessions/nope", nil), 404)
	expect(t, do(t, ts, "GET", "/agents/nope/sessions", nil), 404)
}
