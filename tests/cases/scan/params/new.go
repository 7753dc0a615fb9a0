package main

// Gemini 3.8 Flash: sampling parameters are deprecated.
var model = "gemini-3.8-flash"
var cfg = map[string]any{"topP": 0.9, "thinkingLevel": "HIGH"}
