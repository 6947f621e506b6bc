// The dictionaries: shared strings in id.json/en.json, each role area's own in areas/<area>.<lang>.json
// (one file per area, so the areas' pages can grow without touching each other's strings).
import accountsEn from "./areas/accounts.en.json";
import accountsId from "./areas/accounts.id.json";
import asnEn from "./areas/asn.en.json";
import asnId from "./areas/asn.id.json";
import bpsdmEn from "./areas/bpsdm.en.json";
import bpsdmId from "./areas/bpsdm.id.json";
import completenessEn from "./areas/completeness.en.json";
import completenessId from "./areas/completeness.id.json";
import inboxEn from "./areas/inbox.en.json";
import inboxId from "./areas/inbox.id.json";
import opdEn from "./areas/opd.en.json";
import opdId from "./areas/opd.id.json";
import plansEn from "./areas/plans.en.json";
import plansId from "./areas/plans.id.json";
import programmesEn from "./areas/programmes.en.json";
import programmesId from "./areas/programmes.id.json";
import publicEn from "./areas/public.en.json";
import publicId from "./areas/public.id.json";
import remindersEn from "./areas/reminders.en.json";
import remindersId from "./areas/reminders.id.json";
import sessionsEn from "./areas/sessions.en.json";
import sessionsId from "./areas/sessions.id.json";
import talentEn from "./areas/talent.en.json";
import talentId from "./areas/talent.id.json";
import commonEn from "./en.json";
import commonId from "./id.json";

export const id = {
  ...commonId,
  asn: asnId,
  opd: opdId,
  bpsdm: bpsdmId,
  accounts: accountsId,
  talent: talentId,
  completeness: completenessId,
  inbox: inboxId,
  reminders: remindersId,
  sessions: sessionsId,
  public: publicId,
  plans: plansId,
  programmes: programmesId,
};
export const en = {
  ...commonEn,
  asn: asnEn,
  opd: opdEn,
  bpsdm: bpsdmEn,
  accounts: accountsEn,
  talent: talentEn,
  completeness: completenessEn,
  inbox: inboxEn,
  reminders: remindersEn,
  sessions: sessionsEn,
  public: publicEn,
  plans: plansEn,
  programmes: programmesEn,
};
