package client_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/meibel-ai/meibel-go/client"
)

// TestWireUpdateNullVsAbsent sends each update operation with a field left
// out, set (to false / 0 / "" where the type allows), and set to null, and
// checks the exact JSON on the wire.
func TestWireUpdateNullVsAbsent(t *testing.T) {
	ctx := context.Background()
	endTime := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name string
		call func(c *client.Client) error
		want string
	}{
		// updateAgent
		{"updateAgent/absent", func(c *client.Client) error {
			_, err := c.Agents.UpdateAgent(ctx, "a1", client.UpdateAgentDefinitionRequest{})
			return err
		}, `{}`},
		{"updateAgent/zero values", func(c *client.Client) error {
			_, err := c.Agents.UpdateAgent(ctx, "a1", client.UpdateAgentDefinitionRequest{
				Description: client.Value(""),
				MaxTokens:   client.Value(0),
				Tags:        client.Value([]string{}),
				Temperature: client.Value(0.0),
			})
			return err
		}, `{"description":"","max_tokens":0,"tags":[],"temperature":0}`},
		{"updateAgent/values and null", func(c *client.Client) error {
			_, err := c.Agents.UpdateAgent(ctx, "a1", client.UpdateAgentDefinitionRequest{
				DisplayName: client.Value("Support"),
				Icon:        client.Null[string](),
				Temperature: client.Value(0.7),
				MaxTokens:   client.Null[int](),
			})
			return err
		}, `{"display_name":"Support","icon":null,"max_tokens":null,"temperature":0.7}`},
		// updateArtifactSchema
		{"updateArtifactSchema/absent", func(c *client.Client) error {
			_, err := c.ArtifactSchemas.UpdateArtifactSchema(ctx, "s1", client.UpdateAgentArtifactRequest{})
			return err
		}, `{}`},
		{"updateArtifactSchema/false 0 empty", func(c *client.Client) error {
			_, err := c.ArtifactSchemas.UpdateArtifactSchema(ctx, "s1", client.UpdateAgentArtifactRequest{
				Description: client.Value(""), MaxSizeBytes: client.Value(0), Required: client.Value(false),
			})
			return err
		}, `{"description":"","max_size_bytes":0,"required":false}`},
		{"updateArtifactSchema/null", func(c *client.Client) error {
			_, err := c.ArtifactSchemas.UpdateArtifactSchema(ctx, "s1", client.UpdateAgentArtifactRequest{
				Required: client.Null[bool](), SchemaDef: client.Null[map[string]any](),
			})
			return err
		}, `{"required":null,"schema_def":null}`},
		// updateBatchById
		{"updateBatchById/absent", func(c *client.Client) error {
			_, err := c.BatchDefinitions.UpdateBatchById(ctx, "b1", client.UpdateBatchDefinitionRequest{})
			return err
		}, `{}`},
		{"updateBatchById/zero values and null", func(c *client.Client) error {
			_, err := c.BatchDefinitions.UpdateBatchById(ctx, "b1", client.UpdateBatchDefinitionRequest{
				Concurrency: client.Value(0), Name: client.Value(""), RecurrenceCron: client.Null[string](),
			})
			return err
		}, `{"concurrency":0,"name":"","recurrence_cron":null}`},
		// updateExecutionById (custom MarshalJSON: additional properties)
		{"updateExecutionById/absent", func(c *client.Client) error {
			_, err := c.BatchExecutions.UpdateExecutionById(ctx, "e1", client.UpdateBatchExecutionRequest{})
			return err
		}, `{}`},
		{"updateExecutionById/zero values and null", func(c *client.Client) error {
			_, err := c.BatchExecutions.UpdateExecutionById(ctx, "e1", client.UpdateBatchExecutionRequest{
				Failed: client.Value(0), Error: client.Value(""), OutputDatasourceId: client.Null[string](),
			})
			return err
		}, `{"error":"","failed":0,"output_datasource_id":null}`},
		{"updateExecutionById/time and null", func(c *client.Client) error {
			_, err := c.BatchExecutions.UpdateExecutionById(ctx, "e1", client.UpdateBatchExecutionRequest{
				EndTime: client.Value(endTime), Error: client.Null[string](),
			})
			return err
		}, `{"end_time":"2025-01-02T03:04:05Z","error":null}`},
		// updateDataElement
		{"updateDataElement/absent", func(c *client.Client) error {
			_, err := c.DataElements.UpdateDataElement(ctx, "d1", "e1", client.UpdateDataElementRequest{})
			return err
		}, `{}`},
		{"updateDataElement/empty and null", func(c *client.Client) error {
			_, err := c.DataElements.UpdateDataElement(ctx, "d1", "e1", client.UpdateDataElementRequest{
				Description: client.Null[string](), Metadata: client.Value(map[string]any{}), Name: client.Value(""),
			})
			return err
		}, `{"description":null,"metadata":{},"name":""}`},
		// updateDatasource
		{"updateDatasource/absent", func(c *client.Client) error {
			_, err := c.Datasources.UpdateDatasource(ctx, "d1", client.UpdateDatasourceRequest{})
			return err
		}, `{}`},
		{"updateDatasource/empty and null", func(c *client.Client) error {
			_, err := c.Datasources.UpdateDatasource(ctx, "d1", client.UpdateDatasourceRequest{
				Description: client.Value(""), Name: client.Null[string](),
			})
			return err
		}, `{"description":"","name":null}`},
		// updateExecutionPolicy
		{"updateExecutionPolicy/absent", func(c *client.Client) error {
			_, err := c.ExecutionPolicies.UpdateExecutionPolicy(ctx, "p1", client.UpdateExecutionPolicyRequest{})
			return err
		}, `{}`},
		{"updateExecutionPolicy/empty and null", func(c *client.Client) error {
			_, err := c.ExecutionPolicies.UpdateExecutionPolicy(ctx, "p1", client.UpdateExecutionPolicyRequest{
				Name: client.Value(""), Description: client.Null[string](), ExecutionPolicy: client.Absent[client.ExecutionPolicy](),
			})
			return err
		}, `{"description":null,"name":""}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := wireServer(t, 200, "application/json", `{}`)
			if err := tc.call(c); err != nil {
				t.Fatal(err)
			}
			if rec.method != "PUT" {
				t.Errorf("method = %s", rec.method)
			}
			if got := canonicalJSON(t, rec.body); got != tc.want {
				t.Errorf("body = %s, want %s", rec.body, tc.want)
			}
		})
	}
}

// canonicalJSON re-encodes an object with sorted keys (the generated structs
// marshal in field order, the custom marshalers in key order).
func canonicalJSON(t *testing.T, s string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", s, err)
	}
	b, _ := json.Marshal(m) // map keys are sorted
	return string(b)
}

// TestEveryNullableRequestFieldHasThreeStates walks every JSON request body
// of every operation (found through the service methods) and checks, for each
// nullable field, that absent is left out, null is sent as null, and a zero
// value is sent as that value.
func TestEveryNullableRequestFieldHasThreeStates(t *testing.T) {
	c, _ := wireServer(t, 200, "application/json", `{}`)
	checked := 0
	seen := map[reflect.Type]bool{}
	cv := reflect.ValueOf(c).Elem()
	for i := 0; i < cv.NumField(); i++ {
		svc := cv.Field(i)
		if svc.Kind() != reflect.Pointer || !strings.HasSuffix(svc.Type().Elem().Name(), "Service") {
			continue
		}
		for m := 0; m < svc.NumMethod(); m++ {
			mt := svc.Method(m).Type()
			for a := 0; a < mt.NumIn(); a++ {
				bt := mt.In(a)
				if bt.Kind() == reflect.Pointer {
					bt = bt.Elem()
				}
				if bt.Kind() != reflect.Struct || !strings.HasSuffix(bt.Name(), "Request") || seen[bt] {
					continue
				}
				seen[bt] = true
				checked += checkNullableFields(t, bt)
			}
		}
	}
	if len(seen) < 20 || checked < 50 {
		t.Errorf("checked %d fields of %d request types: the walk missed the request bodies", checked, len(seen))
	}
}

func checkNullableFields(t *testing.T, bt reflect.Type) int {
	n := 0
	for f := 0; f < bt.NumField(); f++ {
		field := bt.Field(f)
		ft := field.Type
		// Nullable[T] is a struct whose Set method takes a T.
		set, ok := reflect.PointerTo(ft).MethodByName("Set")
		if ft.Kind() != reflect.Struct || !strings.HasPrefix(ft.Name(), "Nullable[") || !ok {
			continue
		}
		elem := set.Type.In(1)
		key, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		zero := reflect.New(elem).Elem()
		switch zero.Kind() {
		case reflect.Slice:
			zero = reflect.MakeSlice(zero.Type(), 0, 0)
		case reflect.Map:
			zero = reflect.MakeMap(zero.Type())
		}
		if _, err := json.Marshal(zero.Interface()); err != nil {
			// A value with no JSON form of its own (none today) is left to
			// the wire tests.
			continue
		}
		want, _ := json.Marshal(zero.Interface())
		for _, tc := range []struct {
			state string
			set   func(v reflect.Value)
			want  string // "" means absent
		}{
			{"absent", func(reflect.Value) {}, ""},
			{"null", func(v reflect.Value) {
				v.Addr().MethodByName("SetNull").Call(nil)
			}, "null"},
			{"zero value", func(v reflect.Value) {
				v.Addr().MethodByName("Set").Call([]reflect.Value{zero})
			}, string(want)},
		} {
			body := reflect.New(bt)
			tc.set(body.Elem().Field(f))
			b, err := json.Marshal(body.Interface())
			if err != nil {
				t.Errorf("%s.%s %s: %v", bt.Name(), field.Name, tc.state, err)
				continue
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %s", bt.Name(), b)
			}
			got, present := m[key]
			switch {
			case tc.want == "" && present:
				t.Errorf("%s.%s absent: sent %s", bt.Name(), field.Name, got)
			case tc.want != "" && string(got) != tc.want:
				t.Errorf("%s.%s %s: sent %q, want %s", bt.Name(), field.Name, tc.state, got, tc.want)
			}
		}
		n++
	}
	return n
}

// TestWireOptionalBodies: createSessionByName and createSession take no
// body (nil, sent as JSON null, which the spec allows), an empty body or a
// full one.
func TestWireOptionalBodies(t *testing.T) {
	calls := map[string]func(*client.Client, *client.CreateSessionRequest) (*client.CreateSessionResponse, error){
		"createSessionByName": func(c *client.Client, b *client.CreateSessionRequest) (*client.CreateSessionResponse, error) {
			return c.Agents.CreateSessionByName(context.Background(), "support-bot", b)
		},
		"createSession": func(c *client.Client, b *client.CreateSessionRequest) (*client.CreateSessionResponse, error) {
			return c.Agents.CreateSession(context.Background(), "agt_1", b)
		},
	}
	for _, tc := range []struct {
		name string
		body *client.CreateSessionRequest
		want string
	}{
		{"no body", nil, `null`},
		{"empty body", &client.CreateSessionRequest{}, `{}`},
		{"full body", &client.CreateSessionRequest{
			Prompt: client.Value("hello"),
			// Not nullable since spec 0.7.0: a plain optional *int.
			MaxIterationsPerUserMessage: new(0),
			InitialContext:              client.Value(map[string]any{"user": "u1"}),
			MessageWaitTimeoutSeconds:   new(30),
			ExecutionPolicyIds:          client.Value([]string{"pol-1"}),
		}, `{"execution_policy_ids":["pol-1"],"initial_context":{"user":"u1"},"max_iterations_per_user_message":0,"message_wait_timeout_seconds":30,"prompt":"hello"}`},
		{"null fields", &client.CreateSessionRequest{Prompt: client.Null[string]()}, `{"prompt":null}`},
	} {
		for op, call := range calls {
			t.Run(op+"/"+tc.name, func(t *testing.T) {
				c, rec := wireServer(t, 201, "application/json", `{"session_id":"s-1"}`)
				got, err := call(c, tc.body)
				if err != nil {
					t.Fatal(err)
				}
				if got.SessionId != "s-1" {
					t.Errorf("SessionId = %q", got.SessionId)
				}
				body := rec.body
				if tc.body != nil {
					body = canonicalJSON(t, body)
				}
				if body != tc.want {
					t.Errorf("body = %s, want %s", rec.body, tc.want)
				}
			})
		}
	}
	// createDownloadJob: no body exports everything.
	for _, tc := range []struct {
		body *client.DownloadJobRequest
		want string
	}{{nil, `null`}, {&client.DownloadJobRequest{}, `{}`}} {
		c, rec := wireServer(t, 201, "application/json", `{"job_id":"dl-1","status":"pending"}`)
		if _, err := c.DatasourceDownloads.CreateDownloadJob(context.Background(), "ds_1", tc.body); err != nil {
			t.Fatal(err)
		}
		if rec.body != tc.want {
			t.Errorf("createDownloadJob body = %s, want %s", rec.body, tc.want)
		}
	}
}

func TestResponseTellsNullFromMissing(t *testing.T) {
	c, _ := wireServer(t, 200, "application/json",
		`{"id":"e1","datasource_id":"d1","name":"n","description":null,"media_type":"text/plain","metadata":{}}`)
	el, err := c.DataElements.GetDataElement(context.Background(), "d1", "e1")
	if err != nil {
		t.Fatal(err)
	}
	if !el.Description.IsSpecified() || !el.Description.IsNull() {
		t.Errorf("description: specified=%v null=%v, want an explicit null", el.Description.IsSpecified(), el.Description.IsNull())
	}
	if el.CreatedAt.IsSpecified() || el.CreatedAt.IsNull() {
		t.Errorf("created_at: specified=%v null=%v, want missing", el.CreatedAt.IsSpecified(), el.CreatedAt.IsNull())
	}
	if v, ok := client.ValueOf(el.MediaType); !ok || v != "text/plain" {
		t.Errorf("media_type = %q, %v", v, ok)
	}
	if _, ok := client.ValueOf(el.Description); ok {
		t.Errorf("ValueOf(null) reported a value")
	}
	if m, ok := client.ValueOf(el.Metadata); !ok || m == nil || len(m) != 0 {
		t.Errorf("metadata = %v, %v; want an empty, present map", m, ok)
	}
}

// TestNumbersArePlainFloats: the spec's number-or-integer fields (anyOf
// [number, integer], e.g. temperature, scores) are plain float64 in Go,
// read from either form and sent as the shortest JSON number.
func TestNumbersArePlainFloats(t *testing.T) {
	for _, tc := range []struct {
		json string
		want float64
	}{{"1", 1}, {"0.7", 0.7}, {"0", 0}, {"2.0", 2}} {
		c, _ := wireServer(t, 200, "application/json", `{"id":"a1","temperature":`+tc.json+`}`)
		a, err := c.Agents.GetAgent(context.Background(), "a1")
		if err != nil {
			t.Fatal(err)
		}
		if a.Temperature != tc.want {
			t.Errorf("temperature %s: got %v, want %v", tc.json, a.Temperature, tc.want)
		}
	}
	for _, tc := range []struct {
		in   float64
		want string
	}{{0.7, `{"temperature":0.7}`}, {2, `{"temperature":2}`}, {0, `{"temperature":0}`}, {1e-9, `{"temperature":1e-9}`}} {
		c, rec := wireServer(t, 200, "application/json", `{}`)
		if _, err := c.Agents.UpdateAgent(context.Background(), "a1", client.UpdateAgentDefinitionRequest{Temperature: client.Value(tc.in)}); err != nil {
			t.Fatal(err)
		}
		if rec.body != tc.want {
			t.Errorf("temperature %v sent as %s, want %s", tc.in, rec.body, tc.want)
		}
	}
	c, _ := wireServer(t, 200, "application/json", `{"aggregate_score":1,"module_scores":{"groundedness":0.5,"relevance":1}}`)
	ss, err := c.ConfidenceScoring.GetAgentScoringSummary(context.Background(), "support-bot")
	if err != nil {
		t.Fatal(err)
	}
	agg, _ := client.ValueOf(ss.AggregateScore)
	mods, _ := client.ValueOf(ss.ModuleScores)
	if agg != 1 || mods["groundedness"] != 0.5 || mods["relevance"] != 1 {
		t.Errorf("summary: aggregate %v, modules %v", agg, mods)
	}

	// NaN has no JSON form: the call fails with an error, never a panic.
	c, _ = wireServer(t, 200, "application/json", `{}`)
	_, err = c.Agents.UpdateAgent(context.Background(), "a1", client.UpdateAgentDefinitionRequest{
		Temperature: client.Value(math.NaN()),
	})
	t.Logf("NaN: %v", err)
	if err == nil || !strings.Contains(err.Error(), "updateAgent") {
		t.Errorf("NaN temperature: err = %v, want an error naming the operation", err)
	}
}
