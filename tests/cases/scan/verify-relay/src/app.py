# Fixture for scan --verify: a key the fake answers with a 502 that quotes
# an invalid key's body (tests/fake_gemini.py, scenario relay-invalid).
import google.generativeai as genai

genai.configure(api_key="AIzaTest_relay-invalid_Lc3Wq2Hb5Gd0FsAb")
