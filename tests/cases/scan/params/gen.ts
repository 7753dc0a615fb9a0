import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({});

export async function three() {
  return ai.models.generateContent({
    model: "gemini-3.1-pro-preview",
    contents: "hi",
    config: { temperature: 0.2, thinkingConfig: { thinkingBudget: 2048 } },
  });
}
