// Command quickstart lists every datasource, starts a session with an agent
// by name, and shows how a validation error (422) names the offending field.
// It was written from the README guide only, as a new user would.
//
//	MEIBEL_API_KEY=... go run ./examples/quickstart -agent support-bot
//	MEIBEL_BASE_URL=http://localhost:8000/v2 MEIBEL_API_KEY=dev go run ./examples/quickstart  # against `make local`
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/meibel-ai/meibel-go/client"
)

func main() {
	agent := flag.String("agent", "support-bot", "name of a published agent")
	flag.Parse()
	if err := run(context.Background(), *agent); err != nil {
		log.SetFlags(0)
		log.Fatal(err)
	}
}

func run(ctx context.Context, agent string) error {
	c, err := client.New() // MEIBEL_API_KEY, and MEIBEL_BASE_URL or MEIBEL_ENVIRONMENT
	if err != nil {
		return err
	}

	// 1. Every datasource (the API returns them all in one response).
	list, err := c.Datasources.ListDatasources(ctx)
	if err != nil {
		return fmt.Errorf("list datasources: %w", err)
	}
	fmt.Printf("%d datasources\n", len(list.Datasources))
	for _, ds := range list.Datasources {
		fmt.Printf("  %s  %s\n", ds.Id, ds.Name)
	}

	// 2. A session with the agent's newest published version.
	sess, err := c.Agents.CreateSessionByName(ctx, agent, nil)
	switch {
	case errors.Is(err, client.ErrNotFound):
		fmt.Fprintln(os.Stderr, "no such published agent:", err)
	case err != nil:
		return fmt.Errorf("create session: %w", err)
	default:
		fmt.Println("session", sess.SessionId)
	}

	// 3. A request the API rejects: temperature must be between 0 and 2.
	_, err = c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{
		DisplayName:  "Too hot",
		Instructions: "Help.",
		Temperature:  client.Value(5.0),
	})
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && errors.Is(err, client.ErrValidation) {
		for _, d := range apiErr.Detail {
			fmt.Printf("422: field %s: %s\n", d.Field(), d.Msg)
		}
		return nil
	}
	if err != nil {
		return err
	}
	return errors.New("expected a 422 for temperature 5, but the agent was created")
}
