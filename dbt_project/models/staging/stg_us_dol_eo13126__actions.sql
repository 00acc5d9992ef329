{{ stage_actions('us_dol_eo13126__actions') }}
