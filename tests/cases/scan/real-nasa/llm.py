# Trimmed from github.com/Epochdevv/Nasa_NLP@efe84449ee70, llm.py
from google import genai
from google.genai import types
import os
    try:
        result = client.models.generate_content(
            model="gemini-2.5-flash",
            config=types.GenerateContentConfig(
                thinking_config=types.ThinkingConfig(thinking_budget=0),
                system_instruction=system_instruction
            ),
            contents=[xml_text, "\n\nfollow the rules"],
        )
xml_folder = "/home/ady/prjs/hh/Nasa_NLP/xmls"
txt_folder = "/home/ady/prjs/hh/Nasa_NLP/txt"
prompt_path = "system_prompt.txt"
api_key_placeholder = "AIzaSyFk3qT7wNz2Lp9Rb4Vc8Xm1Hd6Js0Ge5Uo"
