package main

// The checkout handler reads the new-checkout-flow flag (flagd) before pricing.
func useNewFlow(c *Client) bool { return c.BooleanValue("new-checkout-flow", false) }
