# Trimmed from github.com/mwoodpatrick/ai-cookbook@21959c16e9f8, patterns/workflows/Gemini-api-integration/generate_content_stream.py
from google import genai
from google.genai import types

def generate():
    client = genai.Client(
        api_key=os.environ.get("GEMINI_API_KEY"),
    )

    model="gemini-2.0-flash-001"
    # model = "gemini-2.5-pro"

