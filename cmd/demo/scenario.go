package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/meibel-ai/meibel-go/client"
)

// scenario is the list of steps make demo runs, in order.
func scenario() []step {
	return append([]step{
		{"Create an agent", createAgent},
		{"Publish it", publishAgent},
		{"Start a session by the agent's name", createSessionByName},
		{"Send a chat message", chat},
		{"List the session's messages", listMessages},
		{"Create a datasource", createDatasource},
		{"List datasources", listDatasources},
		{"An error case: a session for an unpublished agent", unpublishedAgent},
	}, fileSteps()...)
}

func createAgent(ctx context.Context, s *state) error {
	s.agentName = "demo-support-bot-" + s.run
	a, err := s.c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{
		DisplayName:  s.agentName,
		Instructions: "You answer questions about Meibel politely.",
		Description:  client.Value("Created by the meibel-go demo"),
	})
	if err != nil {
		return err
	}
	s.agentID, s.agentName = a.Id, a.Name
	fmt.Fprintf(s.out, "  agent %q (id %s, version %s)\n", a.Name, a.Id, a.Version)
	return nil
}

func publishAgent(ctx context.Context, s *state) error {
	p, err := s.c.Agents.PublishAgent(ctx, s.agentID, nil, client.PublishAgentDefinitionRequest{CommitMessage: "first release"})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "  published version %s at %s\n", p.Version, p.PublishedAt.Format("15:04:05"))
	return nil
}

func createSessionByName(ctx context.Context, s *state) error {
	// Session settings added in spec 0.7.0 (max_iterations_per_user_message
	// is a plain *int since then: it can no longer be null).
	req := &client.CreateSessionRequest{
		Prompt:                      client.Value("Be brief."),
		MaxIterationsPerUserMessage: new(4),
		MessageWaitTimeoutSeconds:   new(120),
		ExecutionPolicyIds:          client.Value([]string{"policy-demo-readonly"}),
		ExecutionPolicy: client.Value(client.ExecutionPolicy{Tools: client.Value(map[string]client.ToolConfig{
			"web_search": {Disabled: client.Value(true)},
		})}),
	}
	sess, err := s.c.Agents.CreateSessionByName(ctx, s.agentName, req)
	if err != nil {
		return err
	}
	s.sessionID = sess.SessionId
	fmt.Fprintf(s.out, "  session %s, opening prompt %q\n", sess.SessionId, req.Prompt.MustGet())
	fmt.Fprintf(s.out, "  settings sent: %s\n", settingsLine(req.MessageWaitTimeoutSeconds, req.ExecutionPolicyIds.MustGet(),
		req.ExecutionPolicy.MustGet(), req.MaxIterationsPerUserMessage))
	if s.local != nil {
		// No response schema has a place for these settings; the local server
		// keeps them with the session, so the demo reads them back from it.
		kept, ok := s.local.SessionSettings(sess.SessionId)
		if !ok || kept.MessageWaitTimeoutSeconds == nil || len(kept.ExecutionPolicyIDs) == 0 || kept.ExecutionPolicy == nil {
			return fmt.Errorf("the local server did not keep the session settings: %+v", kept)
		}
		fmt.Fprintf(s.out, "  kept by the local server: %s\n", settingsLine(kept.MessageWaitTimeoutSeconds, kept.ExecutionPolicyIDs,
			*kept.ExecutionPolicy, kept.MaxIterationsPerUserMessage))
	}
	return nil
}

// settingsLine prints a session's 0.7.0 settings in one line.
func settingsLine(waitSeconds *int, policyIDs []string, policy client.ExecutionPolicy, maxIterations *int) string {
	var disabled []string
	tools, _ := client.ValueOf(policy.Tools)
	for name, t := range tools {
		if off, _ := client.ValueOf(t.Disabled); off {
			disabled = append(disabled, name)
		}
	}
	slices.Sort(disabled)
	return fmt.Sprintf("message_wait_timeout_seconds=%s execution_policy_ids=%v execution_policy.tools disabled=%v max_iterations_per_user_message=%s",
		intOrUnset(waitSeconds), policyIDs, disabled, intOrUnset(maxIterations))
}

func intOrUnset(p *int) string {
	if p == nil {
		return "unset"
	}
	return strconv.Itoa(*p)
}

func chat(ctx context.Context, s *state) error {
	const question = "What can you tell me about datasources?"
	r, err := s.c.Sessions.SendChatMessage(ctx, s.sessionID, client.ChatMessageRequest{UserMessage: question})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "  you:   %s\n  agent: %s\n", question, r.AssistantResponse)
	return nil
}

func listMessages(ctx context.Context, s *state) error {
	m, err := s.c.Sessions.GetSessionMessages(ctx, s.sessionID)
	if err != nil {
		return err
	}
	for _, msg := range m.Messages {
		text, _ := msg.Message.Get()
		fmt.Fprintf(s.out, "  %-10s %s\n", msg.Type+":", text)
	}
	if len(m.Messages) == 0 {
		return errors.New("the session has no messages after a chat")
	}
	return nil
}

func createDatasource(ctx context.Context, s *state) error {
	desc := "Files uploaded by the meibel-go demo"
	d, err := s.c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "demo-docs-" + s.run, Description: &desc})
	if err != nil {
		return err
	}
	s.datasourceID = d.Id
	fmt.Fprintf(s.out, "  datasource %q (id %s)\n", d.Name, d.Id)
	return nil
}

func listDatasources(ctx context.Context, s *state) error {
	l, err := s.c.Datasources.ListDatasources(ctx)
	if err != nil {
		return err
	}
	found := false
	for _, d := range l.Datasources {
		fmt.Fprintf(s.out, "  - %s (%s)\n", d.Name, d.Id)
		found = found || d.Id == s.datasourceID
	}
	if !found {
		return fmt.Errorf("the new datasource %s is not listed", s.datasourceID)
	}
	return nil
}

func unpublishedAgent(ctx context.Context, s *state) error {
	name := "demo-draft-bot-" + s.run
	a, err := s.c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: name, Instructions: "Not published yet."})
	if err != nil {
		return err
	}
	_, err = s.c.Agents.CreateSessionByName(ctx, a.Name, nil)
	if !errors.Is(err, client.ErrNotFound) {
		return fmt.Errorf("want a not-found error, got %v", err)
	}
	fmt.Fprintf(s.out, "  as expected: %v\n", err)
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.RequestID != "" {
		fmt.Fprintf(s.out, "  (request id %s)\n", apiErr.RequestID)
	}
	return nil
}
