from google import genai
from google.genai import types

client = genai.Client()

# 2.5 Flash-Lite: a low temperature is fine here; thinkingLevel is not.
cfg = types.GenerateContentConfig(
    temperature=0.2,
    thinking_config=types.ThinkingConfig(thinking_level="low"),
)
client.models.generate_content(model="gemini-2.5-flash-lite", contents="hi", config=cfg)
