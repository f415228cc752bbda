package meibeltest

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/generated"
)

// TokenPause is the delay between the chat stream's partial responses (and
// between progress events), so that streaming is visible.
var TokenPause = 5 * time.Millisecond

// SendChatMessageStream answers a chat message with a flushed SSE stream:
// connected, status, tool_call/tool_result when tool activity is requested,
// one partial_response per word of the reply (token by token), then
// completion with the whole reply. Event names follow the chat stream's
// event models (ConnectedEvent → "connected", …).
func (h *handlers) SendChatMessageStream(ctx context.Context, req generated.SendChatMessageStreamRequestObject) (generated.SendChatMessageStreamResponseObject, error) {
	parts, err := readForm(req.Body)
	if err != nil {
		return nil, err
	}
	msg, _ := field(parts, "user_message")
	if strings.TrimSpace(msg) == "" {
		return nil, invalid("user_message must not be empty", "body", "user_message")
	}
	tools, _ := field(parts, "include_tool_activity")
	thinking, _ := field(parts, "include_thinking")
	var attached int64
	for _, f := range files(parts, "files") {
		attached += f.size
	}

	h.mu.Lock()
	s, err := h.session(req.SessionId)
	var reply string
	if err == nil {
		reply, _ = h.chat(s, msg)
	}
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}

	sessionID := req.SessionId
	body := sseStream(ctx, TokenPause, func(send func(event, data string) error) error {
		if err := send("connected", jsonData(map[string]any{"session_id": sessionID})); err != nil {
			return err
		}
		status := "thinking"
		if b, _ := strconv.ParseBool(thinking); b {
			status = "thinking: the user sent " + strconv.Itoa(len(strings.Fields(msg))) + " words"
		}
		if err := send("status", status); err != nil {
			return err
		}
		if b, _ := strconv.ParseBool(tools); b {
			if err := send("tool_call", jsonData(map[string]any{"tool": "echo", "input": msg, "attached_bytes": attached})); err != nil {
				return err
			}
			if err := send("tool_result", jsonData(map[string]any{"tool": "echo", "output": reply})); err != nil {
				return err
			}
		}
		for i, word := range strings.Fields(reply) {
			if i > 0 {
				word = " " + word
			}
			if err := send("partial_response", word); err != nil {
				return err
			}
		}
		return send("completion", reply)
	})
	return generated.SendChatMessageStream200TexteventStreamResponse{Body: body}, nil
}
