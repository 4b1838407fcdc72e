// Package greeting is shared by the workspace's Go functions (reached through a replace directive).
package greeting

import "fmt"

// For returns the greeting for a name, defaulting to "world".
func For(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("Hello, %s, from Go on Lambda", name)
}
