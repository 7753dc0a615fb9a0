# Fixture for scan --verify: a key the fake answers with a 502 that quotes
# an invalid key's body (tests/fake_gemini.py, scenario relay-invalid), and one it answers
# with 200 around that body (relay-200).
import google.generativeai as genai

genai.configure(api_key="AIzaTest_relay-invalid_Lc3Wq2Hb5Gd0FsAb")
backup = "AIzaTest_relay-200_Lc3Wq2Hb5Gd0FsAb8RN6"
