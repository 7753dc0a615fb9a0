# Trimmed from github.com/mwoodpatrick/ai-cookbook@21959c16e9f8, patterns/workflows/Gemini-api-integration/simple.py

from google import genai
from google.genai import types
response = client.models.generate_content(
    # (models)[https://ai.google.dev/gemini-api/docs/models]
    # (gemini-2.5-flash)[https://ai.google.dev/gemini-api/docs/models#gemini-2.5-flash]
    model='gemini-2.0-flash-001', 
    # model="gemini-2.5-flash",
    # model='gemini-2.5-pro', 
    contents='Why is the sky blue?',
    # Thinking is only available on Gemini 2.5 series models and can't be disabled on Gemini 2.5 Pro
    # only use for 2.5 models, czn't disable for pro
