# Trimmed from github.com/mwoodpatrick/ai-cookbook@21959c16e9f8, patterns/workflows/Gemini-api-integration/weather_function_example.py
# --- 3. Initialize the Model with Tools ---
# Pass your Python functions directly to the 'tools' parameter.
# The SDK automatically converts them into Function Declarations (schema).
model = genai.GenerativeModel(
    'gemini-1.5-flash', # Or 'gemini-1.5-pro' for more complex reasoning
    tools=[get_current_weather, get_current_time]
)
