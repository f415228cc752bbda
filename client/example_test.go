package client_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/client"
	"github.com/meibel-ai/meibel-go/meibeltest"
)

// localClient starts the in-memory Meibel server (meibeltest) and returns a
// client for it. Real programs use client.New(client.WithAPIKey(key)).
func localClient() (*client.Client, *meibeltest.Server, func()) {
	srv := meibeltest.New()
	ts := httptest.NewServer(srv.Handler())
	c, err := client.New(client.WithAPIKey("test-key"), client.WithBaseURL(ts.URL+"/v2"))
	if err != nil {
		log.Fatal(err)
	}
	return c, srv, ts.Close
}

// publishedAgent creates and publishes an agent named "support-bot".
func publishedAgent(ctx context.Context, c *client.Client) *client.CreateAgentResponse {
	agent, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: "Support Bot", Instructions: "Help users."})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Agents.PublishAgent(ctx, agent.Id, nil, client.PublishAgentDefinitionRequest{}); err != nil {
		log.Fatal(err)
	}
	return agent
}

// Select a server from the spec by name, or any URL; the API key comes from
// WithAPIKey or the MEIBEL_API_KEY environment variable.
func ExampleNew() {
	for _, server := range []string{client.ServerProduction, client.ServerDevelopment, client.ServerLocal} {
		c, err := client.New(client.WithAPIKey("my-key"), client.WithServer(server))
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-11s %s\n", server, c.BaseURL())
	}
	c, err := client.New(client.WithAPIKey("my-key"), client.WithBaseURL("http://127.0.0.1:9000/v2"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%-11s %s\n", "custom", c.BaseURL())
	// Output:
	// production  https://api.meibel.ai/v2
	// development https://api.dev.meibel.ai/v2
	// local       http://localhost:8000/v2
	// custom      http://127.0.0.1:9000/v2
}

// Start a session with the newest published version of an agent, by name.
// The body is optional: nil sends JSON null.
func ExampleAgentsService_CreateSessionByName() {
	c, _, stop := localClient()
	defer stop()
	ctx := context.Background()
	publishedAgent(ctx, c)

	session, err := c.Agents.CreateSessionByName(ctx, "support-bot", &client.CreateSessionRequest{
		InitialContext: client.Value(map[string]any{"customer": "acme"}),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("session started:", session.SessionId != "")
	// Output: session started: true
}

// Send a message and wait for the whole reply.
func ExampleSessionsService_SendChatMessage() {
	c, _, stop := localClient()
	defer stop()
	ctx := context.Background()
	publishedAgent(ctx, c)
	session, err := c.Agents.CreateSessionByName(ctx, "support-bot", nil)
	if err != nil {
		log.Fatal(err)
	}

	reply, err := c.Sessions.SendChatMessage(ctx, session.SessionId, client.ChatMessageRequest{UserMessage: "Where is my order?"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(reply.AssistantResponse)
	// Output: support-bot received: "Where is my order?"
}

// Iterate over every agent: pages are fetched as the loop goes (here 2 per
// request); breaking out of the loop stops fetching.
func ExampleAgentsService_ListAgentsIter() {
	c, _, stop := localClient()
	defer stop()
	ctx := context.Background()
	for _, name := range []string{"Billing", "Returns", "Shipping"} {
		if _, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{DisplayName: name, Instructions: "Help."}); err != nil {
			log.Fatal(err)
		}
	}

	sortBy, order, pageSize := "name", "asc", 2
	params := &client.ListAgentsParams{SortBy: &sortBy, SortOrder: &order, Limit: &pageSize}
	for agent, err := range c.Agents.ListAgentsIter(ctx, params) {
		if err != nil {
			log.Fatal(err) // the error is yielded once, then the loop ends
		}
		fmt.Println(agent.Name)
	}
	// Output:
	// billing
	// returns
	// shipping
}

// Iterate over a cursor-paginated list the same way.
func ExampleDataElementsService_ListDataElementsIter() {
	c, srv, stop := localClient()
	defer stop()
	ctx := context.Background()
	ds, err := c.Datasources.CreateDatasource(ctx, client.CreateDatasourceRequest{Name: "docs"})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.SeedDataElements(ds.Id, 250); err != nil {
		log.Fatal(err)
	}

	n := 0
	for _, err := range c.DataElements.ListDataElementsIter(ctx, ds.Id, nil) {
		if err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println(n, "data elements")
	// Output: 250 data elements
}

// Tell apart what went wrong with errors.As and errors.Is.
func ExampleAPIError() {
	c, _, stop := localClient()
	defer stop()
	ctx := context.Background()

	// 422: the validation detail names the field (temperature must be 0..2).
	_, err := c.Agents.CreateAgent(ctx, client.CreateAgentDefinitionRequest{
		DisplayName:  "Too hot",
		Instructions: "Help.",
		Temperature:  client.Value(5.0),
	})
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && errors.Is(err, client.ErrValidation) {
		for _, d := range apiErr.Detail {
			fmt.Printf("422 %s\n", d.Field())
		}
	}

	// 404.
	_, err = c.Agents.CreateSessionByName(ctx, "no-such-agent", nil)
	if errors.Is(err, client.ErrNotFound) {
		fmt.Println(err)
	}

	// 429: the headers say when to come back.
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"detail":"Rate limit exceeded"}`)
	}))
	defer limited.Close()
	c2, _ := client.New(client.WithAPIKey("test-key"), client.WithBaseURL(limited.URL), client.WithRetries(0)) // retries off: show the 429 at once
	_, err = c2.Datasources.ListDatasources(ctx)
	if errors.As(err, &apiErr) && errors.Is(err, client.ErrRateLimited) {
		fmt.Println("rate limited; retry after", apiErr.Header.Get("Retry-After"), "seconds")
	}
	// Output:
	// 422 body.temperature
	// meibel: createSessionByName: 404 Not Found: agent "no-such-agent" not found
	// rate limited; retry after 30 seconds
}

// In an update, leave a field out (unchanged), set it (even to "", 0 or
// false), or set it to null (cleared). The server below prints what it got.
func ExampleValue() {
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Println(r.Method, r.URL.Path, string(body))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"ag_1","name":"support-bot","version":"2"}`)
	}))
	defer echo.Close()
	c, err := client.New(client.WithAPIKey("test-key"), client.WithBaseURL(echo.URL+"/v2"))
	if err != nil {
		log.Fatal(err)
	}

	_, err = c.Agents.UpdateAgent(context.Background(), "ag_1", client.UpdateAgentDefinitionRequest{
		Description: client.Value(""),      // set to ""
		MaxTokens:   client.Value(0),       // set to 0
		Icon:        client.Null[string](), // cleared
		Temperature: client.Value(0.2),     // a number-or-integer field
		// every other field is absent: unchanged
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output: PUT /v2/agents/ag_1 {"description":"","icon":null,"max_tokens":0,"temperature":0.2}
}

// Read a nullable response field: a value, an explicit null, or missing.
func ExampleValueOf() {
	c, _, stop := localClient()
	defer stop()
	ctx := context.Background()
	agent := publishedAgent(ctx, c)

	got, err := c.Agents.GetAgent(ctx, agent.Id)
	if err != nil {
		log.Fatal(err)
	}
	switch d, ok := client.ValueOf(got.Description); {
	case ok:
		fmt.Println("description:", d)
	case got.Description.IsNull():
		fmt.Println("description: null")
	default:
		fmt.Println("description: missing")
	}
	fmt.Println("temperature is a plain float64:", got.Temperature >= 0)
	// Output:
	// description: null
	// temperature is a plain float64: true
}

// Per-call options: an extra header, a timeout, and the raw response.
func ExampleWithResponse() {
	c, _, stop := localClient()
	defer stop()
	var resp *http.Response
	_, err := c.Datasources.ListDatasources(context.Background(),
		client.WithHeader("X-Trace-Id", "trace-1"),
		client.WithTimeout(10*time.Second),
		client.WithResponse(&resp))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, resp.Header.Get("X-Request-Id") != "")
	// Output: 200 true
}

// Stream a chat reply as Server-Sent Events. (A stand-in server sends two
// events here.)
func ExampleSessionsService_SendChatMessageStream() {
	sse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "event: partial_response\ndata: {\"content\":\"Hel\"}\n\n")
		io.WriteString(w, "event: completion\ndata: {\"content\":\"Hello\"}\n\n")
	}))
	defer sse.Close()
	c, err := client.New(client.WithAPIKey("test-key"), client.WithBaseURL(sse.URL))
	if err != nil {
		log.Fatal(err)
	}

	msg := "Hi"
	form := &client.SendChatMessageStreamForm{UserMessage: &msg}
	stream, err := c.Sessions.SendChatMessageStream(context.Background(), "sess_1", form)
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	for stream.Next() {
		switch ev := stream.Current().(type) {
		case *client.PartialResponseEvent:
			fmt.Println(ev.Event, ev.Data)
		case *client.CompletionEvent:
			fmt.Println(ev.Event, ev.Data)
		}
	}
	if err := stream.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// partial_response {"content":"Hel"}
	// completion {"content":"Hello"}
}

// Upload files to a datasource: they are streamed, never held in memory.
// (A stand-in server reports what it received here.)
func ExampleFileUploadService_UploadContent() {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for part, err := mr.NextPart(); err == nil; part, err = mr.NextPart() {
			n, _ := io.Copy(io.Discard, part)
			fmt.Printf("server got %s=%s (%d bytes)\n", part.FormName(), part.FileName(), n)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"success":true,"message":"accepted","datasource_id":"ds_1","upload_id":"up_1","sse_url":"/v2/datasources/uploads/up_1/progress"}`)
	}))
	defer up.Close()
	c, err := client.New(client.WithAPIKey("test-key"), client.WithBaseURL(up.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Any io.Reader works: an *os.File from os.Open, a network body, …
	file := strings.NewReader("quarterly report")
	form := &client.UploadContentForm{Files: []client.File{client.NewFile("report.txt", file, "")}}
	res, err := c.FileUpload.UploadContent(context.Background(), "ds_1", form)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("upload", res.UploadId, "accepted:", res.Success)
	// Output:
	// server got files=report.txt (16 bytes)
	// upload up_1 accepted: true
}
