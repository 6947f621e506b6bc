// The ASN area's reads: the shared query options with this area's choices. The home page's cards and
// the claim form's pickers show their own errors, so one failing part leaves the others usable.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { asnLearningRecords, competencyGaps, developmentPlan, type LearningRecordsParams } from "../../api/queries/asn";
import { learningRecord } from "../../api/queries/learningRecords";
import { competencies, learningFormNames, referenceList } from "../../api/queries/reference";

const LOCAL_ERRORS = { throwOnError: false } as const;

export function useLearningRecords(
  nip: string | null | undefined,
  filter: LearningRecordsParams,
  options: { localErrors?: boolean } = {},
) {
  return useQuery({
    ...asnLearningRecords(nip, filter),
    placeholderData: keepPreviousData,
    ...(options.localErrors ? LOCAL_ERRORS : {}),
  });
}

/** The record a claim collided with. */
export const useLearningRecord = (id: number | null | undefined) =>
  useQuery({ ...learningRecord(id), ...LOCAL_ERRORS });

export const useCompetencyGaps = (nip: string | null | undefined) =>
  useQuery({ ...competencyGaps(nip), ...LOCAL_ERRORS });

export const useDevelopmentPlan = (nip: string | null | undefined) =>
  useQuery({ ...developmentPlan(nip), ...LOCAL_ERRORS });

/** The SIASN learning forms (jenisDiklat), for the claim form's picker. */
export const useLearningForms = () => useQuery({ ...referenceList("learning_forms"), ...LOCAL_ERRORS });

/** The ledger's labels for the learning forms, code → name. */
export const useLearningFormNames = () => useQuery(learningFormNames());

/** The competency dictionary (offered ones), for tagging a claim. */
export const useCompetencies = () =>
  useQuery({ ...competencies({ active: true, limit: 500 }), staleTime: 10 * 60_000, ...LOCAL_ERRORS });
