// Package client is the Go client of the Meibel v2 API: one typed method per
// operation of the API's OpenAPI document (api-v2.json), iterators over
// paginated lists, streams, uploads, downloads and one error type.
//
// # Creating a client
//
// New takes options; explicit options win over the environment:
//
//	c, err := client.New(client.WithAPIKey(key)) // or set MEIBEL_API_KEY
//
// The server is production unless WithServer ("production", "development",
// "local" — see Servers), WithBaseURL (any http(s) URL, e.g. a local server at
// http://localhost:8000/v2), MEIBEL_BASE_URL or MEIBEL_ENVIRONMENT says
// otherwise. WithHTTPClient plugs in your own *http.Client (it is never
// modified; its transport is wrapped); WithUserAgent prefixes the User-Agent.
// A Client is safe for concurrent use.
//
// # Calling operations
//
// Operations are grouped by the API's tags into services: c.Agents,
// c.Sessions, c.Datasources, c.DataElements, c.FileUpload, c.Documents, … Each
// method is named after the operationId (createSessionByName →
// c.Agents.CreateSessionByName) and takes a context, the path parameters in
// order, a *<Op>Params for query parameters (nil for none), the request body,
// and per-call options:
//
//	s, err := c.Agents.CreateSessionByName(ctx, "support-bot", nil)
//	reply, err := c.Sessions.SendChatMessage(ctx, s.SessionId, client.ChatMessageRequest{UserMessage: "Hi"})
//
// JSON results come back typed; the model types (AgentSummary,
// CreateSessionRequest, …) are all declared in this package. Streaming
// operations return a *Stream (typed ChatEvent values for the chat stream,
// raw Event values otherwise; range over All or use Next), file downloads a
// *Download (an io.ReadCloser; close it) and multipart uploads take a typed
// form (UploadContentForm, ParseDocumentForm, …) whose files are streamed. The
// index of all operations with their HTTP method and path is docs/operations.md.
//
// # Per-call options
//
// WithHeader, WithTimeout and WithResponse also work on a single call, as the
// last arguments: WithResponse(&resp) hands back the raw *http.Response for
// its status and headers (request id, X-RateLimit-*). Client-only options
// (WithAPIKey, WithBaseURL, …) are rejected on a call with an error.
//
// # Lists and pagination
//
// Every paginated list operation X also has an iterator method XIter that
// fetches pages lazily and yields items one by one:
//
//	for agent, err := range c.Agents.ListAgentsIter(ctx, nil) {
//		if err != nil {
//			return err // yielded once; the loop then ends
//		}
//		fmt.Println(agent.Name)
//	}
//
// The style (offset with total, next_offset, cursor or continuation token) is
// read from the spec per operation. An iterator starts at the params' offset
// or token, uses their Limit as the page size, never modifies them, stops at
// the last page (or an empty one), reports a server that repeats a token as an
// error, and sends no request after the loop is broken. Lists the API does not
// paginate (ListDatasources, ListTables, …) return everything in one call.
//
// # Null and absent
//
// Fields the spec lets be null have type Nullable[T], with three states. In
// an update, the zero value leaves a field out (unchanged), Value(v) sets it —
// also to "", 0 or false — and Null[T]() sends JSON null to clear it:
//
//	c.Agents.UpdateAgent(ctx, id, client.UpdateAgentDefinitionRequest{
//		Description: client.Value(""),      // set to empty
//		Icon:        client.Null[string](), // cleared
//		// every other field: absent, unchanged
//	})
//
// In a response, ValueOf(f) returns the value and whether there is one;
// f.IsNull() tells an explicit null from a missing field (!f.IsSpecified()).
// Numbers the spec types as number-or-integer (temperature, scores) are
// plain float64: agent.Temperature, or Value(0.7) in a request (write
// Value(2.0), not Value(2), which would be a Nullable[int]).
//
// # Retries, timeouts and key safety
//
// Every request — typed, iterator, stream, upload, download or Generated —
// goes through one RoundTripper chain: headers and key → retries and
// timeouts → your transport. Defaults (see the Default* constants):
//
//   - Retries: 2 (3 attempts; WithRetries, also per call, 0 disables) on a
//     connection error before a response and on 408, 429, 500, 502, 503, 504.
//     Only a replayable body is re-sent (a streamed upload form never is). POST and
//     PATCH are retried only on 429, 503 and failed dials, unless the call
//     has WithRetryNonIdempotent. A response whose headers arrived is never
//     retried mid-body.
//   - Waits: Retry-After (seconds or HTTP date), else X-RateLimit-Reset (on a
//     429, or with X-RateLimit-Remaining: 0), else backoff 0.5s·2^n with
//     jitter, capped at 8s (WithRetryBackoff). A server
//     asking for more than 60s (WithMaxRetryWait) ends the call at once with
//     its *APIError (RetryAfter says how long it asked). Cancelling the context
//     stops a wait at once. Bodies of discarded attempts are drained (at most
//     64 KiB, else the connection is closed) so connections are reused.
//   - Timeouts: the response headers must arrive within 2 minutes of the last
//     upload progress (WithHeaderTimeout); each body read must get data within
//     5 minutes (WithStallTimeout). Neither limits a stream or download that
//     keeps delivering data. WithTimeout (none by default) bounds a whole JSON
//     call, body included, and the start of a stream or download (until its
//     headers arrive): once data flows, only the stall timeout and the
//     context end it. Timeouts match errors.Is(err, context.DeadlineExceeded).
//   - The final error says how many attempts were made (APIError.Attempts).
//   - The key goes only to the host of the call's first request: a redirect
//     to another host drops it, https → http redirects are refused, and
//     New refuses plain http:// to a non-loopback host unless
//     WithInsecureHTTP. WithLogger logs each attempt at debug level with the
//     key shown as [REDACTED].
//
// # Errors
//
// Every non-2xx response is an *APIError carrying the status, operationId,
// method and path, request id, the server's message, FastAPI's validation
// details (Detail: loc, msg, type; FieldError.Field gives "body.name") and the
// response headers. errors.Is matches classes: ErrNotFound, ErrValidation,
// ErrRateLimited, ErrUnauthorized, ErrConflict, ErrBadRequest, ErrServer. A
// success body that cannot be decoded is a *DecodeError; transport failures
// wrap their cause (context.DeadlineExceeded, …). The API key never appears in
// an error.
//
// For what the typed methods do not cover, Generated returns the low-level
// oapi-codegen client, sending through the same transport.
package client
