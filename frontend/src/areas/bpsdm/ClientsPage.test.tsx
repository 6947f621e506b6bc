import { describe, expect, it } from "vitest";
import openapi from "../../../openapi.json";
import { SCOPES } from "./ClientsPage";

describe("the integration clients page", () => {
  it("offers every scope the API grants, and no other", () => {
    const granted = openapi.components.schemas.ClientCreate.properties.scopes.items.enum;
    expect([...SCOPES].sort()).toEqual([...granted].sort());
  });
});
