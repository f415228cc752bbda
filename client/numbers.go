package client

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// NumberValue reads a number-or-integer union (see NumberUnion) as a float64:
//
//	t, err := client.NumberValue(agent.Temperature) // 0.7, or 1 for an integer
//
// It fails when the union holds no number (a zero value, or a non-numeric
// value sent by the server).
func NumberValue[U NumberUnion](u U) (float64, error) {
	raw, err := json.Marshal(u)
	if err != nil {
		return 0, fmt.Errorf("meibel: %T holds no number: %w", u, err)
	}
	var f float64
	if string(raw) == "null" {
		return 0, fmt.Errorf("meibel: %T holds no number (null or unset)", u)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, fmt.Errorf("meibel: %T holds %s, not a number", u, raw)
	}
	return f, nil
}

// NumberOf builds a number-or-integer union (see NumberUnion) from v; the
// union's type is given explicitly:
//
//	req.Temperature = client.Value(client.NumberOf[client.UpdateAgentDefinitionRequest_Temperature](0.7))
//
// An integral v is sent as an integer (1, not 1.0). NaN and ±Inf have no JSON
// form: the call that sends such a union fails with an error (it is never
// sent as null, which would clear the field).
func NumberOf[U NumberUnion](v float64) U {
	var u U
	// For NaN and ±Inf the text ("NaN", "+Inf") is not JSON, so marshaling
	// the union reports an error.
	text := strconv.AppendFloat(nil, v, 'g', -1, 64)
	// Every NumberUnion type has UnmarshalJSON on its pointer, which keeps the
	// raw text; the type set is generated from exactly those types.
	if um, ok := any(&u).(json.Unmarshaler); ok {
		_ = um.UnmarshalJSON(text)
	}
	return u
}
