import os
from google import genai

# The key comes from the environment, the model is current, no sampling knobs.
client = genai.Client(api_key=os.environ["GEMINI_API_KEY"])
resp = client.models.generate_content(
    model="gemini-3.8-flash",
    contents="Say hello",
    config={"thinking_config": {"thinking_level": "low"}},
)
print(resp.text)
