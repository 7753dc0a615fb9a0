// Trimmed from github.com/Ecopedia-Life-syle/Ecopedia@b623d299ec15, Backend/src/config/gemini.js
import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({});

async function main() {
  const response = await ai.models.generateContent({
    model: "gemini-2.5-flash",
  });
}

await main();