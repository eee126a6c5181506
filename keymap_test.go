package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// TestDefaultKeyMap holds the promises about the shipped keys: every binding
// has a key and help, no two bindings of one screen share a key, and no key
// is a ctrl combination that tmux, screen or vim users already own.
func TestDefaultKeyMap(t *testing.T) {
	km := defaultKeyMap()
	if c := km.Conflicts(); len(c) != 0 {
		t.Errorf("keys bound twice on one screen: %v", c)
	}
	groups := km.Groups()
	if len(groups) == 0 {
		t.Fatal("no bindings")
	}
	n := 0
	for _, g := range groups {
		for _, b := range g.Bindings {
			n++
			h := b.Help()
			if len(b.Keys()) == 0 || h.Key == "" || h.Desc == "" {
				t.Errorf("binding %v lacks keys or help", b.Keys())
			}
			for _, k := range b.Keys() {
				if strings.HasPrefix(k, "ctrl+") || strings.HasPrefix(k, "alt+") {
					t.Errorf("%q (%s): avoid modifier combinations other programs own", k, h.Desc)
				}
			}
		}
	}
	// Every field of the map is bound: a zero binding would silently do nothing.
	v := reflect.ValueOf(km)
	for i := range v.NumField() {
		b, ok := v.Field(i).Interface().(key.Binding)
		if ok && !b.Enabled() {
			t.Errorf("KeyMap.%s is unbound", v.Type().Field(i).Name)
		}
	}
	if n == 0 {
		t.Error("no binding is listed in the help")
	}
}
