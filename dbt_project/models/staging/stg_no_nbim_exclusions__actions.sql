{{ stage_actions('no_nbim_exclusions__actions') }}
