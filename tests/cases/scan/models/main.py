from google import genai

client = genai.Client()
old = client.models.generate_content(model="gemini-1.5-pro-latest", contents="hi")
lite = client.models.generate_content(model="models/gemini-2.0-flash-lite", contents="hi")
pro = client.models.generate_content(model="gemini-2.5-pro", contents="hi")
preview = client.models.generate_content(model="gemini-3.1-pro-preview", contents="hi")
current = client.models.generate_content(model="gemini-3.8-flash", contents="hi")
