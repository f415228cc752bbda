package meibeltest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meibel-ai/meibel-go/nullable"

	"github.com/meibel-ai/meibel-go/generated"
)

// Defaults the service fills in when a create request leaves them out.
const (
	defaultAgentType   = "assistant"
	defaultLLMModel    = "gpt-4o"
	defaultTemperature = 0.7
)

// agent is an agent definition with its versions, oldest first; the last
// version is the current one (a draft, or the newest published version when
// nothing changed since).
type agent struct {
	id, name  string
	seq       int
	createdAt time.Time
	versions  []*agentVersion
}

type agentVersion struct {
	id, version   string
	parent        *string
	def           agentDef
	createdAt     time.Time
	published     bool
	publishedAt   time.Time
	commitMessage string
}

// agentDef is the editable part of an agent.
type agentDef struct {
	displayName, instructions, typ, llmModel string
	description, icon                        *string
	fallbackModels, datasources, artifacts   []string
	confidenceConfigs, tags                  []string
	tools                                    []map[string]any
	temperature                              float64
	maxTokens                                *int
	executionPolicy                          nullable.Nullable[generated.ExecutionPolicy]
	executionPolicyIDs                       nullable.Nullable[[]string]
}

func (a *agent) current() *agentVersion { return a.versions[len(a.versions)-1] }

// newestPublished returns the newest published version, or nil.
func (a *agent) newestPublished() *agentVersion {
	for i := len(a.versions) - 1; i >= 0; i-- {
		if a.versions[i].published {
			return a.versions[i]
		}
	}
	return nil
}

func (a *agent) urn() string { return "urn:meibel:agent:" + a.name }

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug derives an agent name from its display name ("Support Bot" → "support-bot").
func slug(s string) string {
	return strings.Trim(notSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

func (s *store) agentByName(name string) *agent {
	for _, a := range s.agents {
		if a.name == name {
			return a
		}
	}
	return nil
}

func (s *store) agent(id string) (*agent, error) {
	a, ok := s.agents[id]
	if !ok {
		return nil, notFound("agent %q not found", id)
	}
	return a, nil
}

func toolMaps(tools []generated.AgentToolDefinition) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(tools))
	for _, t := range tools {
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// CreateAgent creates an agent with version "1" as a draft. The agent's name
// is the request's extra "name" property when given, else a slug of its
// display name; names are unique (409).
func (h *handlers) CreateAgent(_ context.Context, req generated.CreateAgentRequestObject) (generated.CreateAgentResponseObject, error) {
	b := req.Body
	name := slug(b.DisplayName)
	if n, ok := b.AdditionalProperties["name"].(string); ok {
		name = n
	}
	if strings.TrimSpace(name) == "" {
		return nil, invalid("an agent needs a name or a display name with letters or digits", "body", "display_name")
	}
	def := agentDef{
		displayName: b.DisplayName, instructions: b.Instructions, typ: defaultAgentType,
		llmModel: defaultLLMModel, temperature: defaultTemperature,
		executionPolicy: b.ExecutionPolicy, executionPolicyIDs: b.ExecutionPolicyIds,
	}
	if err := def.apply(agentPatch{
		typ: b.Type, description: b.Description, llmModel: b.LlmModel, icon: b.Icon,
		fallbackModels: b.FallbackModels, datasources: b.Datasources, artifacts: b.Artifacts,
		confidenceConfigs: b.ConfidenceConfigs, tags: b.Tags, tools: b.Tools, maxTokens: b.MaxTokens,
	}); err != nil {
		return nil, err
	}
	if t, ok := get(b.Temperature); ok {
		def.temperature = t
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.agentByName(name) != nil {
		return nil, conflict("an agent named %q already exists", name)
	}
	seq, id := h.next("agt")
	_, vid := h.next("agv")
	t := now()
	a := &agent{id: id, name: name, seq: seq, createdAt: t,
		versions: []*agentVersion{{id: vid, version: "1", def: def, createdAt: t}}}
	h.agents[id] = a
	return generated.CreateAgent201JSONResponse{Id: id, Name: name, DisplayName: def.displayName, Version: "1"}, nil
}

// agentPatch carries the optional fields shared by create and update.
type agentPatch struct {
	typ, description, llmModel, icon, displayName, instructions nullable.Nullable[string]
	fallbackModels, datasources, artifacts, confidenceConfigs   nullable.Nullable[[]string]
	tags                                                        nullable.Nullable[[]string]
	tools                                                       nullable.Nullable[[]generated.AgentToolDefinition]
	maxTokens                                                   nullable.Nullable[int]
}

// apply sets the fields present in p; null clears the nullable ones and
// resets the others to their defaults.
func (d *agentDef) apply(p agentPatch) error {
	str := func(n nullable.Nullable[string], dst *string, def string) {
		if v, ok := get(n); ok {
			*dst = v
		} else if n.IsNull() && def != "" {
			*dst = def
		}
	}
	str(p.typ, &d.typ, defaultAgentType)
	str(p.llmModel, &d.llmModel, defaultLLMModel)
	str(p.displayName, &d.displayName, "")
	str(p.instructions, &d.instructions, "")
	optional := func(n nullable.Nullable[string], dst **string) {
		if n.IsSpecified() {
			*dst = nil
			if v, ok := get(n); ok {
				*dst = &v
			}
		}
	}
	optional(p.description, &d.description)
	optional(p.icon, &d.icon)
	list := func(n nullable.Nullable[[]string], dst *[]string) {
		if n.IsSpecified() {
			*dst = slices.Clone(n.GetOrEmpty())
		}
	}
	list(p.fallbackModels, &d.fallbackModels)
	list(p.datasources, &d.datasources)
	list(p.artifacts, &d.artifacts)
	list(p.confidenceConfigs, &d.confidenceConfigs)
	list(p.tags, &d.tags)
	if p.tools.IsSpecified() {
		tools, err := toolMaps(p.tools.GetOrEmpty())
		if err != nil {
			return invalid(err.Error(), "body", "tools")
		}
		d.tools = tools
	}
	if p.maxTokens.IsSpecified() {
		d.maxTokens = nil
		if v, ok := get(p.maxTokens); ok {
			d.maxTokens = &v
		}
	}
	return nil
}

// GetAgent returns the agent's current version.
func (h *handlers) GetAgent(_ context.Context, req generated.GetAgentRequestObject) (generated.GetAgentResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, err := h.agent(req.AgentId)
	if err != nil {
		return nil, err
	}
	return generated.GetAgent200JSONResponse(h.agentDetail(a)), nil
}

func (h *handlers) agentDetail(a *agent) generated.AgentDetailResponse {
	v := a.current()
	d := v.def
	tools := d.tools
	if tools == nil {
		tools = []map[string]any{}
	}
	status, last := h.lastExecution(a.id)
	return generated.AgentDetailResponse{
		Id: a.id, Name: a.name, DisplayName: d.displayName, CatalogUrn: a.urn(),
		Version: v.version, ParentVersion: orNull(v.parent), Type: d.typ, Description: orNull(d.description),
		LlmModel: d.llmModel, FallbackModels: orEmpty(d.fallbackModels), Datasources: orEmpty(d.datasources),
		Instructions: d.instructions, Tools: tools, Artifacts: orEmpty(d.artifacts),
		ConfidenceConfigs: orEmpty(d.confidenceConfigs), Temperature: d.temperature, MaxTokens: orNull(d.maxTokens),
		Tags: orEmpty(d.tags), Icon: orNull(d.icon), CreatedAt: nullable.NewNullableWithValue(a.createdAt),
		ExecutionPolicy: d.executionPolicy, ExecutionPolicyIds: d.executionPolicyIDs,
		LastExecutionStatus: status, LastExecutionTime: last,
	}
}

// lastExecution reports the status and start of the agent's newest session.
func (h *handlers) lastExecution(agentID string) (nullable.Nullable[string], nullable.Nullable[time.Time]) {
	var newest *session
	for _, s := range h.sessions {
		if s.agentID == agentID && (newest == nil || s.seq > newest.seq) {
			newest = s
		}
	}
	if newest == nil {
		return nullable.Nullable[string]{}, nullable.Nullable[time.Time]{}
	}
	return nullable.NewNullableWithValue(newest.status), nullable.NewNullableWithValue(newest.start)
}

// ListAgents lists agents with offset/limit, sorted by created_at (default),
// name or display_name, filtered by published_only, datasource_id and
// artifact_schema_id.
func (h *handlers) ListAgents(_ context.Context, req generated.ListAgentsRequestObject) (generated.ListAgentsResponseObject, error) {
	p := req.Params
	desc, err := descending(p.SortOrder)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var list []*agent
	for _, a := range h.agents {
		d := a.current().def
		switch {
		case p.PublishedOnly != nil && *p.PublishedOnly && a.newestPublished() == nil,
			p.DatasourceId != nil && !slices.Contains(d.datasources, *p.DatasourceId),
			p.ArtifactSchemaId != nil && !slices.Contains(d.artifacts, *p.ArtifactSchemaId):
			continue
		}
		list = append(list, a)
	}
	key := func(a *agent) string { return fmt.Sprintf("%020d", a.seq) }
	if p.SortBy != nil {
		switch *p.SortBy {
		case "created_at":
		case "name":
			key = func(a *agent) string { return a.name }
		case "display_name":
			key = func(a *agent) string { return a.current().def.displayName }
		default:
			return nil, invalid(fmt.Sprintf("cannot sort agents by %q (use created_at, name or display_name)", *p.SortBy), "query", "sort_by")
		}
	}
	slices.SortFunc(list, func(x, y *agent) int {
		c := strings.Compare(key(x), key(y))
		if c == 0 {
			c = x.seq - y.seq
		}
		if desc {
			c = -c
		}
		return c
	})
	w, err := window(len(list), p.Offset, p.Limit, 20)
	if err != nil {
		return nil, err
	}
	data := make([]generated.AgentSummary, 0, w.hi-w.lo)
	for _, a := range list[w.lo:w.hi] {
		d := a.current().def
		status, last := h.lastExecution(a.id)
		data = append(data, generated.AgentSummary{
			Id: a.id, Name: a.name, DisplayName: d.displayName, Description: orNull(d.description),
			Version: a.current().version, Type: d.typ, LlmModel: d.llmModel, ToolCount: len(d.tools),
			DatasourceCount: len(d.datasources), LastExecutionStatus: status, LastExecutionTime: last,
		})
	}
	return generated.ListAgents200JSONResponse{Data: data, Total: len(list), Offset: w.lo,
		Limit: nullable.NewNullableWithValue(w.limit)}, nil
}

// UpdateAgent changes the current draft; when the current version is
// published it first starts a new draft version whose parent is that version.
func (h *handlers) UpdateAgent(_ context.Context, req generated.UpdateAgentRequestObject) (generated.UpdateAgentResponseObject, error) {
	b := req.Body
	h.mu.Lock()
	defer h.mu.Unlock()
	a, err := h.agent(req.AgentId)
	if err != nil {
		return nil, err
	}
	cur := a.current()
	def := cur.def
	def.tools = slices.Clone(def.tools)
	if err := def.apply(agentPatch{
		typ: b.Type, description: b.Description, llmModel: b.LlmModel, icon: b.Icon,
		displayName: b.DisplayName, instructions: b.Instructions,
		fallbackModels: b.FallbackModels, datasources: b.Datasources, artifacts: b.Artifacts,
		confidenceConfigs: b.ConfidenceConfigs, tags: b.Tags, tools: b.Tools, maxTokens: b.MaxTokens,
	}); err != nil {
		return nil, err
	}
	if b.Temperature.IsSpecified() {
		def.temperature = defaultTemperature
		if t, ok := get(b.Temperature); ok {
			def.temperature = t
		}
	}
	if b.ExecutionPolicy.IsSpecified() {
		def.executionPolicy = b.ExecutionPolicy
	}
	if b.ExecutionPolicyIds.IsSpecified() {
		def.executionPolicyIDs = b.ExecutionPolicyIds
	}
	if cur.published {
		_, vid := h.next("agv")
		n, _ := strconv.Atoi(cur.version)
		cur = &agentVersion{id: vid, version: strconv.Itoa(n + 1), parent: ptr(cur.version), createdAt: now()}
		a.versions = append(a.versions, cur)
	}
	cur.def = def
	return generated.UpdateAgent200JSONResponse{Id: a.id, CatalogUrn: a.urn(), Version: cur.version}, nil
}

// DeleteAgent removes the agent and its versions (its sessions stay readable).
func (h *handlers) DeleteAgent(_ context.Context, req generated.DeleteAgentRequestObject) (generated.DeleteAgentResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := h.agent(req.AgentId); err != nil {
		return nil, err
	}
	delete(h.agents, req.AgentId)
	return generated.DeleteAgent204Response{}, nil
}

// PublishAgent publishes the current draft as a new published version; an
// agent whose current version is already published gets 409.
func (h *handlers) PublishAgent(_ context.Context, req generated.PublishAgentRequestObject) (generated.PublishAgentResponseObject, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, err := h.agent(req.AgentId)
	if err != nil {
		return nil, err
	}
	v := a.current()
	if v.published {
		return nil, conflict("version %s of agent %q is already published; update the agent to start a new draft", v.version, a.name)
	}
	v.published, v.publishedAt, v.commitMessage = true, now(), req.Body.CommitMessage
	return generated.PublishAgent200JSONResponse{
		Id: v.id, AgentDefinitionUrn: a.urn() + ":" + v.version, AgentName: a.name, Version: v.version,
		DisplayName: v.def.displayName, CommitMessage: v.commitMessage, PublishedAt: v.publishedAt,
	}, nil
}

// ListAgentVersions lists versions newest first, optionally only published
// (or only unpublished) ones; limit null or absent means all.
func (h *handlers) ListAgentVersions(_ context.Context, req generated.ListAgentVersionsRequestObject) (generated.ListAgentVersionsResponseObject, error) {
	p := req.Params
	h.mu.Lock()
	defer h.mu.Unlock()
	a, err := h.agent(req.AgentId)
	if err != nil {
		return nil, err
	}
	var list []*agentVersion
	for i := len(a.versions) - 1; i >= 0; i-- {
		if v := a.versions[i]; p.Published == nil || *p.Published == v.published {
			list = append(list, v)
		}
	}
	w, err := window(len(list), p.Offset, p.Limit, -1)
	if err != nil {
		return nil, err
	}
	data := make([]generated.AgentVersionSummary, 0, w.hi-w.lo)
	for _, v := range list[w.lo:w.hi] {
		s := generated.AgentVersionSummary{
			Id: v.id, DisplayName: v.def.displayName, Version: v.version, ParentVersion: orNull(v.parent),
			Description: orNull(v.def.description), LlmModel: v.def.llmModel,
			CreatedAt: nullable.NewNullableWithValue(v.createdAt), IsPublished: v.published,
		}
		if v.published {
			s.PublishedAt = nullable.NewNullableWithValue(v.publishedAt)
			s.CommitMessage = nullable.NewNullableWithValue(v.commitMessage)
		}
		data = append(data, s)
	}
	limit := nullable.NewNullNullable[int]()
	if p.Limit != nil {
		limit = nullable.NewNullableWithValue(w.limit)
	}
	return generated.ListAgentVersions200JSONResponse{Data: data, Total: len(list), Offset: w.lo, Limit: limit}, nil
}
